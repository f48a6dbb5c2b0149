namespace ClaudeBottle.Launcher.Publishing;

/// <summary>A swarm config mounted as a file at <see cref="Target"/>; the mode in decimal (YAML has no octal the CLI reads back as such).</summary>
public sealed class ComposeServiceConfig
{
    public required string Source { get; init; }
    public required string Target { get; init; }
    public int? Mode { get; init; }
}
