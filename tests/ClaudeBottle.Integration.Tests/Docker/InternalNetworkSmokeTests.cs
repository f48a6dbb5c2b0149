using System.Net;
using System.Net.Sockets;
using System.Text;
using Docker.DotNet.Models;

namespace ClaudeBottle.Integration.Tests.Docker;

/// <summary>
/// The engine-level facts the product stands on. Each probe has a control: the same target answers a container on
/// an ordinary network, so a failed probe from the internal network means isolation, not a dead server.
/// </summary>
public sealed class InternalNetworkSmokeTests
{
    /// <summary>Removes the bridge's own address, so the internal network offers no address that reaches the host.</summary>
    private static readonly Dictionary<string, string> NoHostAddress = new() { ["com.docker.network.bridge.inhibit_ipv4"] = "true" };

    private const string Server =
        "exec perl -MIO::Socket::INET -e '$s=IO::Socket::INET->new(LocalPort=>8080,Listen=>16,ReuseAddr=>1) or die $!; " +
        "while($c=$s->accept){print $c qq(upstream\\n); close $c}'";

    // Controls retry while the server comes up; a bottled probe runs after its control succeeded, so one try decides.
    private static string Probe(string ip, int port, int attempts = 1) =>
        $"for i in $(seq {attempts}); do if timeout 3 bash -c 'exec 3<>/dev/tcp/{ip}/{port} && cat <&3'; then exit 0; fi; sleep 1; done; echo unreachable; exit 7";

    [SkippableFact]
    public async Task A_container_on_an_internal_network_cannot_reach_a_server_container_on_another_network()
    {
        await TestEngine.RequireAsync();
        var scope = new TestScope();
        await using (scope)
        {
            var outside = await scope.CreateNetworkAsync("outside", isInternal: false);
            var neighbour = await scope.CreateNetworkAsync("neighbour", isInternal: false);
            var inside = await scope.CreateNetworkAsync("inside", isInternal: true, NoHostAddress);
            var gateway = await scope.GatewayAsync(outside);
            // The server is published on its network's gateway address: reachable through the host from other
            // networks that have a route out, the way the outside world would be.
            var server = await scope.StartAsync("upstream", outside, Server, hostConfig: new HostConfig
            {
                PortBindings = new Dictionary<string, IList<PortBinding>> { ["8080/tcp"] = [new PortBinding { HostIP = gateway, HostPort = "" }] },
            });
            var serverIp = await scope.IpAddressAsync(server, outside);
            var publishedPort = await PublishedPortAsync(scope, server);

            var (controlExit, controlOutput) = await scope.RunAsync("control", neighbour, Probe(gateway, publishedPort, attempts: 10), TimeSpan.FromSeconds(60));
            controlExit.Should().Be(0, controlOutput);
            controlOutput.Should().Contain("upstream");

            var (viaHost, viaHostOutput) = await scope.RunAsync("bottled-via-host", inside, Probe(gateway, publishedPort), TimeSpan.FromSeconds(30));
            viaHost.Should().Be(7, "the internal network must give no route to {0}:{1}; output: {2}", gateway, publishedPort, viaHostOutput);

            var (direct, directOutput) = await scope.RunAsync("bottled-direct", inside, Probe(serverIp, 8080), TimeSpan.FromSeconds(30));
            direct.Should().Be(7, "the internal network must give no route to {0}; output: {1}", serverIp, directOutput);
        }

        var (containers, networks) = await TestScope.LeftoversAsync(scope.Id);
        containers.Should().BeEmpty();
        networks.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Without_a_bridge_address_an_internal_network_cannot_reach_a_host_service()
    {
        await TestEngine.RequireAsync();
        await using var scope = new TestScope();
        var outside = await scope.CreateNetworkAsync("outside", isInternal: false);
        var inside = await scope.CreateNetworkAsync("inside", isInternal: true, NoHostAddress);
        var gateway = await scope.GatewayAsync(outside);

        // A service of the host's own, on an address of a network this test created.
        using var listener = new TcpListener(IPAddress.Parse(gateway), 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var serving = ServeAsync(listener, stop.Token);

        var (controlExit, controlOutput) = await scope.RunAsync("control", outside, Probe(gateway, port, attempts: 10), TimeSpan.FromSeconds(60));
        controlExit.Should().Be(0, controlOutput);
        controlOutput.Should().Contain("host-service");

        var (exit, output) = await scope.RunAsync("bottled", inside, Probe(gateway, port), TimeSpan.FromSeconds(30));
        exit.Should().Be(7, "a bottle must not reach the host at {0}:{1}; output: {2}", gateway, port, output);

        await stop.CancelAsync();
        listener.Stop();
        await serving;
    }

    private static async Task<int> PublishedPortAsync(TestScope scope, string containerId)
    {
        var inspect = await scope.Client.Containers.InspectContainerAsync(containerId);
        return int.Parse(inspect.NetworkSettings!.Ports["8080/tcp"].Single().HostPort);
    }

    private static async Task ServeAsync(TcpListener listener, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(ct);
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("host-service\n"), ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
