namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// How a network is created; the subnet, gateway and the range the engine hands addresses out from are chosen when it
/// is made (addresses outside the range can be given to containers by hand).
/// </summary>
public sealed record NetworkSpec(
    string Name,
    bool Internal,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> DriverOptions,
    string? Subnet = null,
    string? Gateway = null,
    string? IPRange = null);
