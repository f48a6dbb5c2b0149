namespace ClaudeBottle.Launcher.Publishing;

/// <summary>A swarm config: a file the manager stores and hands to the node of each task that mounts it.</summary>
public sealed class ComposeConfig
{
    public required string File { get; init; }
}
