namespace ClaudeBottle.Launcher.Publishing;

public sealed class ComposeSecret
{
    public required string File { get; init; }
}
