namespace ClaudeBottle.Launcher.Publishing;

/// <summary>A secret in the long form: <see cref="Target"/> is its file's name under <c>/run/secrets/</c>.</summary>
public sealed class ComposeServiceSecret
{
    public required string Source { get; init; }
    public required string Target { get; init; }
    // Swarm only (compose binds the file as it is): the owner and mode of the file in the container; the mode in decimal.
    public string? Uid { get; init; }
    public string? Gid { get; init; }
    public int? Mode { get; init; }
}
