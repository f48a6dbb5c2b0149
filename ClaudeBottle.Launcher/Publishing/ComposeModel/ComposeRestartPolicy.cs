using YamlDotNet.Serialization;

namespace ClaudeBottle.Launcher.Publishing;

public sealed class ComposeRestartPolicy
{
    public required string Condition { get; init; }
    public string? Delay { get; init; }
    [YamlMember(Alias = "max_attempts")]
    public int? MaxAttempts { get; init; }
}
