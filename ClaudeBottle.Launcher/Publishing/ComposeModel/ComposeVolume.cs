using YamlDotNet.Serialization;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>A named volume of the deployment's; <c>docker compose down</c> keeps it (only <c>down -v</c> removes it).</summary>
public sealed class ComposeVolume
{
    public string? Driver { get; init; }
    [YamlMember(Alias = "driver_opts")]
    public SortedDictionary<string, string>? DriverOpts { get; init; }
    public SortedDictionary<string, string>? Labels { get; init; }
}
