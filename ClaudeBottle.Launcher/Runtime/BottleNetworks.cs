using ClaudeBottle.Launcher.Planning;
using Docker.DotNet;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>Creates a bottle's networks, each on a /28 of the pool that overlaps nothing on the engine.</summary>
internal sealed class BottleNetworks(IContainerEngine engine, SubnetAllocator subnets)
{
    // Bottles of this process start concurrently; choosing subnets one at a time, and remembering those being
    // created, keeps them apart.
    private static readonly SemaphoreSlim SubnetGate = new(1, 1);
    private static readonly List<System.Net.IPNetwork> Reserved = [];

    /// <summary>Creates a network on the next free subnet of the pool; another app host may take one at the same moment.</summary>
    public async Task<(string Id, System.Net.IPNetwork Subnet)> CreateAsync(NetworkSpec spec, CancellationToken ct)
    {
        // Subnets another app host took between our look and our create; its network may not be listed yet.
        var refused = new List<System.Net.IPNetwork>();
        for (var attempt = 1; ; attempt++)
        {
            var subnet = await ReserveSubnetAsync(refused, ct);
            try
            {
                // The gateway is named so that the engine reports it, and the isolation probe knows what to check.
                var id = await engine.CreateNetworkAsync(spec with { Subnet = subnet.ToString(), Gateway = SubnetAllocator.GatewayOf(subnet).ToString(), IPRange = SubnetAllocator.DynamicRangeOf(subnet) }, ct);
                await EnsureIPv4OnlyAsync(spec.Name, id, ct);
                return (id, subnet);
            }
            catch (DockerApiException e) when (attempt < 8 && e.ResponseBody?.Contains("overlap", StringComparison.OrdinalIgnoreCase) == true)
            {
                // Taken by someone else between our look and our create: look again, past it.
                refused.Add(subnet);
            }
            finally
            {
                // Made or not, the engine's own list now answers for it.
                await SubnetGate.WaitAsync(CancellationToken.None);
                Reserved.Remove(subnet);
                SubnetGate.Release();
            }
        }
    }

    /// <summary>
    /// Checked after creation, since an engine's defaults (<c>"ipv6": true</c>, default network options) can turn IPv6
    /// on whatever was asked: such a network is removed, and the bottle does not start.
    /// </summary>
    private async Task EnsureIPv4OnlyAsync(string name, string id, CancellationToken ct)
    {
        if (!await engine.NetworkHasIPv6Async(id, ct))
            return;
        await engine.RemoveNetworkAsync(id, CancellationToken.None);
        throw new InvalidOperationException(
            $"the engine gave network {name} IPv6 although it was asked not to (check the daemon's \"ipv6\" and \"default-network-opts\" " +
            "settings); a bottle's networks must be IPv4 only, so the bottle was not started");
    }

    /// <summary>
    /// Picks a subnet free on the engine and not being created by another bottle of this process: the choice is one
    /// at a time, the creation (the slow part) is not.
    /// </summary>
    private async Task<System.Net.IPNetwork> ReserveSubnetAsync(IReadOnlyList<System.Net.IPNetwork> refused, CancellationToken ct)
    {
        await SubnetGate.WaitAsync(ct);
        try
        {
            var subnet = subnets.Next([.. await engine.ListSubnetsAsync(ct), .. Reserved.Concat(refused).Select(r => r.ToString())])
                         ?? throw new InvalidOperationException(
                             $"no free /{SubnetAllocator.DefaultPrefixLength} subnet is left in the bottle address pool {subnets.Pool} " +
                             $"({subnets.Capacity} subnets, three per bottle, all in use); stop some bottles, or give a wider pool in " +
                             $"{NetworkOptions.AddressPoolKey}");
            Reserved.Add(subnet);
            return subnet;
        }
        finally
        {
            SubnetGate.Release();
        }
    }
}
