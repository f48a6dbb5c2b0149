using YamlDotNet.Serialization;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>A volume entry in the long form: the only way a stack says tmpfs (swarm drops service-level <c>tmpfs</c>).</summary>
public sealed class ComposeMount
{
    public required string Type { get; init; }
    public string? Source { get; init; }
    public required string Target { get; init; }
    [YamlMember(Alias = "read_only")]
    public bool? ReadOnly { get; init; }
    public ComposeTmpfs? Tmpfs { get; init; }
}
