namespace ClaudeBottle.Launcher.Telemetry;

/// <summary>
/// Whom relayed telemetry is attributed to: the dashboard resource (its name is the OTLP <c>service.name</c>, with no
/// instance id, which is how the dashboard matches telemetry to a resource) and the bottle.
/// </summary>
public sealed record TelemetrySource(string ServiceName, string Bottle);
