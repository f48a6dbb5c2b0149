namespace ClaudeBottle.Launcher.Planning;

/// <summary>The <c>ClaudeBottle:Network</c> settings.</summary>
public sealed class NetworkOptions
{
    public const string AddressPoolKey = "ClaudeBottle:Network:AddressPool";

    /// <summary>The IPv4 pool bottle networks take their /28 subnets from.</summary>
    public string AddressPool { get; set; } = SubnetAllocator.DefaultPool;
}
