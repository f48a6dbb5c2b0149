namespace ClaudeBottle.Launcher.Publishing;

public sealed class ComposeDependency
{
    public required string Condition { get; init; }
}
