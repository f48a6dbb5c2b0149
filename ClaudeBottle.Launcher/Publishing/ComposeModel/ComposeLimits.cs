namespace ClaudeBottle.Launcher.Publishing;

public sealed class ComposeLimits
{
    public string? Cpus { get; init; }
    public string? Memory { get; init; }
    /// <summary>In the stack format from 3.9 (CLI 28 reads it; the engine has honoured it since API 1.41).</summary>
    public long? Pids { get; init; }
}
