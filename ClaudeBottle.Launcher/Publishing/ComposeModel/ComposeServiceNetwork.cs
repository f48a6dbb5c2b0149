namespace ClaudeBottle.Launcher.Publishing;

public sealed class ComposeServiceNetwork
{
    public List<string>? Aliases { get; init; }
}
