namespace ClaudeBottle.Launcher.Planning;

/// <summary>The <c>ClaudeBottle:Telemetry</c> settings.</summary>
public sealed class TelemetryOptions
{
    /// <summary><c>false</c> sends no telemetry: no launch traces, no relay, no telemetry sink in bottles.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A ready image for the bottles' telemetry sink (Node and the sink's script); built from <c>docker/sink</c> when unset.</summary>
    public string? SinkImage { get; set; }
}
