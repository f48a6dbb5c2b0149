using YamlDotNet.Serialization;

namespace ClaudeBottle.Launcher.Publishing;

public sealed class ComposeNetwork
{
    public string Driver { get; init; } = "bridge";
    public bool? Internal { get; init; }
    public bool? Attachable { get; init; }
    [YamlMember(Alias = "driver_opts")]
    public SortedDictionary<string, string>? DriverOpts { get; init; }
    public SortedDictionary<string, string>? Labels { get; init; }
}
