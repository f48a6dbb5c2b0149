namespace ClaudeBottle.Launcher.Publishing;

public sealed class ComposeResources
{
    public required ComposeLimits Limits { get; init; }
}
