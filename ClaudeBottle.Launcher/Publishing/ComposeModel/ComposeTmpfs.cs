namespace ClaudeBottle.Launcher.Publishing;

public sealed class ComposeTmpfs
{
    public long? Size { get; init; }
    public int? Mode { get; init; }
}
