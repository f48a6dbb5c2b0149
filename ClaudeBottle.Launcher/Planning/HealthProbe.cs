namespace ClaudeBottle.Launcher.Planning;

/// <summary>A container's health check: the command the engine runs in it, and how often.</summary>
public sealed record HealthProbe(IReadOnlyList<string> Command, TimeSpan Interval, TimeSpan Timeout, int Retries);
