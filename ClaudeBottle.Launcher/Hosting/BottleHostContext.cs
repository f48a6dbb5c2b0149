using ClaudeBottle.ServiceDefaults;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>What the app host knows of its run beyond its options: the manifest's folder, and where telemetry goes.</summary>
/// <param name="ManifestDirectory">Paths in plans are shown relative to it.</param>
/// <param name="Telemetry">Where bottles' telemetry goes over OTLP/HTTP; null sends none, and bottles get no sink.</param>
internal sealed record BottleHostContext(string ManifestDirectory, OtlpDestination? Telemetry);
