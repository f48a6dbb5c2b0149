using System.Net;
using System.Net.Sockets;

namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// Gives each bottle network a small subnet of its own from a configurable pool. Docker's default pools hold about
/// thirty networks, so two networks per bottle would cap an engine at fifteen bottles; /28 subnets of a /16 hold
/// thousands, and the pool can be moved wherever it collides with nothing of the user's.
/// </summary>
public sealed class SubnetAllocator(IPNetwork pool, int prefixLength = SubnetAllocator.DefaultPrefixLength)
{
    public const string DefaultPool = "10.213.0.0/16";

    /// <summary>16 addresses: the proxy, the agent, the isolation probe, and room to spare.</summary>
    public const int DefaultPrefixLength = 28;

    public IPNetwork Pool { get; } = pool.BaseAddress.AddressFamily == AddressFamily.InterNetwork && prefixLength >= pool.PrefixLength && prefixLength <= 30
        ? pool
        : throw new ArgumentException($"the address pool must be an IPv4 network of /{prefixLength} or wider, not {pool}");

    public int Capacity => 1 << (prefixLength - Pool.PrefixLength);

    public static SubnetAllocator Parse(string pool) =>
        IPNetwork.TryParse(pool, out var network)
            ? new SubnetAllocator(network)
            : throw new ArgumentException($"'{pool}' is not an IPv4 network in CIDR notation, e.g. {DefaultPool}");

    /// <summary>The first subnet of the pool that overlaps none of <paramref name="inUse"/>, or null when all are taken.</summary>
    public IPNetwork? Next(IEnumerable<string> inUse)
    {
        var taken = inUse.Select(s => IPNetwork.TryParse(s, out var n) ? n : (IPNetwork?)null).OfType<IPNetwork>()
            .Where(n => n.BaseAddress.AddressFamily == AddressFamily.InterNetwork).ToList();
        var start = ToUInt(Pool.BaseAddress);
        var size = 1u << (32 - prefixLength);
        for (var i = 0u; i < Capacity; i++)
        {
            var candidate = new IPNetwork(FromUInt(start + i * size), prefixLength);
            if (!taken.Any(t => Overlaps(t, candidate)))
                return candidate;
        }
        return null;
    }

    /// <summary>The subnet's first address, which the engine gives its bridge (none, on a bridge without an address).</summary>
    public static IPAddress GatewayOf(IPNetwork subnet) => FromUInt(ToUInt(subnet.BaseAddress) + 1);

    /// <summary>
    /// The upper half of <paramref name="subnet"/>, from which the engine hands out addresses: the lower half holds the
    /// gateway and the proxy's fixed address, which no other container can then take first.
    /// </summary>
    public static string DynamicRangeOf(IPNetwork subnet) =>
        new IPNetwork(FromUInt(ToUInt(subnet.BaseAddress) + (1u << (31 - subnet.PrefixLength))), subnet.PrefixLength + 1).ToString();

    /// <summary>The address the proxy takes on its bottle's internal network: known before it exists, so the isolation probe can wait for it there.</summary>
    public static IPAddress ProxyAddressOf(IPNetwork subnet) => FromUInt(ToUInt(subnet.BaseAddress) + 2);

    private static bool Overlaps(IPNetwork a, IPNetwork b) => a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress);

    private static uint ToUInt(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
    }

    private static IPAddress FromUInt(uint value) => new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
}
