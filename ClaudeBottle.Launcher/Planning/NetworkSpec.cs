namespace ClaudeBottle.Launcher.Planning;

/// <summary>How a network is created; the subnet and gateway are chosen when it is made.</summary>
public sealed record NetworkSpec(
    string Name,
    bool Internal,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> DriverOptions,
    string? Subnet = null,
    string? Gateway = null);
