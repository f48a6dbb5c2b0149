using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Launcher.Planning;
using Docker.DotNet.Models;

namespace ClaudeBottle.Integration.Tests.Publishing;

/// <summary>
/// The probe's <c>--overlay</c> (a swarm stack's): at the first address of its subnet, where an overlay keeps its own
/// bridge, a refusal passes; an accepted connection there still fails, and without the switch a refusal fails too. Only
/// where an internal overlay would be: with a default route (a network edited to be non-internal), or at an address a
/// route names as its gateway, nothing is relaxed. A container of the test's holds the first address of a network
/// whose gateway is elsewhere and off the host; the probe runs in the network namespace of a holder of the test's,
/// whose routes are made those of an internal overlay (none by default) before the probe starts.
/// </summary>
public sealed class OverlayProbeTests
{
    // A bridge's default route deleted (and one route added) through the kernel's routing ioctls: no image here has
    // `ip`, the edge's has python3. struct rtentry as x86-64 and arm64 lay it out.
    private const string Routes = """
        import fcntl, socket, struct, sys
        def sa(a): return struct.pack("HH4s8x", socket.AF_INET, 0, socket.inet_aton(a))
        def rt(dst, gw, mask, flags): return struct.pack("@L16s16s16sHhLPhPLLH", 0, sa(dst), sa(gw), sa(mask), flags, 0, 0, 0, 0, 0, 0, 0, 0)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        fcntl.ioctl(s, 0x890C, rt("0.0.0.0", "0.0.0.0", "0.0.0.0", 1))
        if len(sys.argv) > 1: fcntl.ioctl(s, 0x890B, rt("10.99.0.0", sys.argv[1], "255.255.0.0", 3))
        print(open("/proc/net/route").read())
        """;

    [SkippableFact]
    public async Task With_overlay_a_refusal_at_the_subnet_s_first_address_passes_and_a_connection_there_still_fails()
    {
        await TestEngine.RequireAsync();
        var probeImage = await TestImages.ProbeAsync();
        await using var scope = new TestScope();
        var (network, prefix) = await OverlayLikeAsync(scope);
        var holder = await HolderAsync(scope, network, "holder", null);

        var refused = await ProbeAsync(scope, probeImage, holder, [9], overlay: true);
        var accepted = await ProbeAsync(scope, probeImage, holder, [9, 8080], overlay: true);
        var plain = await ProbeAsync(scope, probeImage, holder, [9], overlay: false);

        // The probe prints only failures: the refusal is shown by the run without --overlay, which fails on it.
        refused.Output.Should().Contain("PROBE OK").And.NotContain("FAIL");
        refused.ExitCode.Should().Be(0, refused.Output);
        accepted.Output.Should().Contain($"FAIL {prefix}.1:8080 answered").And.Contain("PROBE FAILED");
        accepted.ExitCode.Should().NotBe(0);
        plain.Output.Should().Contain($"FAIL {prefix}.1:9 answered", "without --overlay a refusal is an answer");
        plain.ExitCode.Should().NotBe(0);
    }

    [SkippableFact]
    public async Task With_overlay_a_default_route_fails_and_a_route_s_gateway_is_never_relaxed()
    {
        await TestEngine.RequireAsync();
        var probeImage = await TestImages.ProbeAsync();
        await using var scope = new TestScope();
        var (network, prefix) = await OverlayLikeAsync(scope);
        // The first address is also where a route goes, as a non-internal network's host gateway is.
        var routed = await HolderAsync(scope, network, "routed", $"{prefix}.1");
        // A network as a stack edited to `internal: false` has: a default route through its gateway, the host's bridge.
        var open = await scope.CreateNetworkAsync("open", isInternal: false);
        await scope.StartAsync("open-edge", open, Probes.HealthServer, alias: "edge");
        var gateway = await scope.GatewayAsync(open);

        var throughFirst = await ProbeAsync(scope, probeImage, routed, [9], overlay: true);
        var withDefault = await ProbeAsync(scope, probeImage, open, [9], overlay: true);

        throughFirst.Output.Should().Contain($"FAIL {prefix}.1:9 answered", "a route's gateway refusing is a host answering").And.Contain("PROBE FAILED");
        throughFirst.ExitCode.Should().NotBe(0);
        withDefault.Output.Should().Contain("FAIL the bottle has a default route").And.Contain("PROBE FAILED");
        withDefault.Output.Should().NotContain("PROBE OK", "{0} is the host: a way out whether or not it refuses port 9", gateway);
        withDefault.ExitCode.Should().NotBe(0);
    }

    /// <summary>An internal network without a host address, its gateway at the last address (held by nothing) and a
    /// container of the test's at the first, as an overlay's bridge is: refuses port 9, accepts 8080; and the edge.</summary>
    private static async Task<(string Network, string Prefix)> OverlayLikeAsync(TestScope scope)
    {
        var labels = new Dictionary<string, string> { [TestEngine.TestLabel] = scope.Id };
        var prefix = $"10.251.{Random.Shared.Next(256)}";
        var network = (await scope.Client.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = $"{scope.Id}-overlay-like",
            Internal = true,
            Labels = labels,
            Options = new Dictionary<string, string> { ["com.docker.network.bridge.inhibit_ipv4"] = "true" },
            IPAM = new IPAM { Config = [new IPAMConfig { Subnet = $"{prefix}.0/28", Gateway = $"{prefix}.14" }] },
        })).ID;
        var first = await scope.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = $"{scope.Id}-first",
            Image = TestEngine.BaseImage,
            Entrypoint = ["bash", "-c", Probes.UpstreamServer],
            Labels = labels,
            HostConfig = new HostConfig { NetworkMode = network, Init = true },
            NetworkingConfig = new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings> { [network] = new() { IPAMConfig = new EndpointIPAMConfig { IPv4Address = $"{prefix}.1" } } },
            },
        });
        await scope.Client.Containers.StartContainerAsync(first.ID, new ContainerStartParameters());
        await scope.StartAsync("edge", network, Probes.HealthServer, alias: "edge");
        return (network, prefix);
    }

    /// <summary>A network namespace on <paramref name="network"/> with no default route (and, when given, a route through
    /// <paramref name="via"/>): an internal overlay's. Returns the network mode that joins it.</summary>
    private static async Task<string> HolderAsync(TestScope scope, string network, string name, string? via)
    {
        var holder = await scope.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = $"{scope.Id}-{name}",
            Image = await TestImages.EdgeAsync(),
            User = "0:0",
            Entrypoint = ["sleep", "infinity"],
            Labels = new Dictionary<string, string> { [TestEngine.TestLabel] = scope.Id },
            HostConfig = new HostConfig { NetworkMode = network, Init = true, CapDrop = ["ALL"], CapAdd = ["NET_ADMIN"] },
        });
        await scope.Client.Containers.StartContainerAsync(holder.ID, new ContainerStartParameters());
        var (code, routes) = await scope.ExecAsync(holder.ID, $"python3 -c '{Routes.Replace("'", "'\\''", StringComparison.Ordinal)}' {via}");
        code.Should().Be(0, routes);
        routes.Split('\n').Select(l => l.Split('\t')).Where(f => f.Length > 1).Select(f => f[1]).Should().NotContain("00000000", "no default route is left");
        return $"container:{holder.ID}";
    }

    private static async Task<(long ExitCode, string Output)> ProbeAsync(TestScope scope, string image, string networkMode, int[] ports, bool overlay)
    {
        var probe = await scope.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            Cmd = [.. IsolationProbe.Arguments(null, [], ports), .. overlay ? ["--overlay"] : Array.Empty<string>()],
            User = "1000:1000",
            Labels = new Dictionary<string, string> { [TestEngine.TestLabel] = scope.Id },
            HostConfig = new HostConfig { NetworkMode = networkMode },
        });
        await scope.Client.Containers.StartContainerAsync(probe.ID, new ContainerStartParameters());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var exit = await scope.Client.Containers.WaitContainerAsync(probe.ID, timeout.Token);
        return (exit.StatusCode, await scope.LogsAsync(probe.ID));
    }
}
