namespace ClaudeBottle.Launcher.Publishing;

public sealed class ComposeBuild
{
    public required string Context { get; init; }
    public string? Dockerfile { get; init; }
    public SortedDictionary<string, string>? Args { get; init; }
}
