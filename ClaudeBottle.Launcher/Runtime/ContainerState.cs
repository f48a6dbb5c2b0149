namespace ClaudeBottle.Launcher.Runtime;

/// <summary>A container as the engine reports it; <see cref="RestartCount"/> counts restarts by its restart policy.</summary>
public sealed record ContainerState(bool Running, long ExitCode, HealthState Health, string Status, string? Error, long RestartCount = 0)
{
    /// <summary>Running, and not between two restarts (the engine reports that as running too).</summary>
    public bool Up => Running && Status == "running";
}
