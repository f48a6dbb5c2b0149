namespace ClaudeBottle.Launcher.Publishing;

public sealed class ComposeLogging
{
    public required string Driver { get; init; }
    public required SortedDictionary<string, string> Options { get; init; }
}
