namespace ClaudeBottle.Launcher.Publishing;

public sealed class ComposePlacement
{
    public required List<string> Constraints { get; init; }
}
