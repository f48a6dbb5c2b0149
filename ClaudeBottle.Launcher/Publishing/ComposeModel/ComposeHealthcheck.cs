namespace ClaudeBottle.Launcher.Publishing;

public sealed class ComposeHealthcheck
{
    public required List<string> Test { get; init; }
    public required string Interval { get; init; }
    public required string Timeout { get; init; }
    public required int Retries { get; init; }
}
