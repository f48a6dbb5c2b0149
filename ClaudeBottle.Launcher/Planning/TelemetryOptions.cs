namespace ClaudeBottle.Launcher.Planning;

/// <summary>The <c>ClaudeBottle:Telemetry</c> settings.</summary>
public sealed class TelemetryOptions
{
    /// <summary><c>false</c> sends no telemetry: no launch traces, no relay, no telemetry sink in bottles.</summary>
    public bool Enabled { get; set; } = true;
}
