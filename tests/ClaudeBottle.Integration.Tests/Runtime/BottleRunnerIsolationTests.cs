using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Launcher.Runtime;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Integration.Tests.Runtime;

/// <summary>
/// A bottle started by <see cref="BottleRunner"/> on the real engine, probed from inside its agent. The outside
/// world is the test's own: an upstream server container reachable from the bottle's egress network under two
/// names (one allowlisted), and a server on the host bound to all interfaces.
/// </summary>
public sealed class BottleRunnerIsolationTests(ITestOutputHelper output)
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    private void Mark(string what) => output.WriteLine($"{_clock.Elapsed.TotalSeconds,6:0.0}s {what}");

    [SkippableFact]
    public async Task The_agent_reaches_allowlisted_hosts_through_its_proxy_and_nothing_else()
    {
        await TestEngine.RequireAsync();
        Mark("start");
        var (bottle, proxyImage, agentImage) = await Bottles.ResolveAsync("probe", "allowed.upstream.test");
        var root = Directory.CreateTempSubdirectory("claude-bottle-runs-").FullName;
        using var lease = InstanceLease.Acquire(root);
        using var engine = new DockerContainerEngine();
        var progress = new RecordingProgress();
        var plan = Bottles.Plan(bottle, lease, proxyImage, agentImage);

        await using var scope = new TestScope();
        await using var hostServer = new Probes.HostServer();
        var hostPort = hostServer.Port;
        // The isolation probe tries the host server's port too: it must find it silent, as the agent does below.
        var runner = new BottleRunner(engine, NullLogger.Instance) { ProbePorts = [.. IsolationProbe.Ports, hostPort] };

        Mark("images ready");
        var instance = await runner.StartAsync(plan, Bottles.StateDirectory(lease, bottle), progress, CancellationToken.None);
        string? upstream = null;
        try
        {
            progress.Events.Should().ContainInOrder("proxy-created", "proxy-healthy", "agent-started");
            var agent = instance.AgentId!;

            Mark("The outside world");
            // The outside world: an upstream on a network of the test's, also attached to the bottle's egress network.
            (upstream, var outside, var upstreamIp) = await scope.StartUpstreamAsync(instance.EgressNetworkId!, "allowed.upstream.test", "blocked.upstream.test");
            var upstreamOutsideIp = await scope.IpAddressAsync(upstream, outside);
            var outsideGateway = await scope.GatewayAsync(outside);

            Mark("Controls:");
            // Controls: the upstream and the host server answer a container that is allowed to reach them.
            var (control, controlOut) = await scope.RunAsync("control", outside,
                $"for i in $(seq 10); do {Probes.Tcp(upstreamOutsideIp, 8080)} && {Probes.Tcp(outsideGateway, hostPort)} && exit 0; sleep 1; done; exit 1",
                TimeSpan.FromSeconds(60));
            control.Should().Be(0, controlOut);
            controlOut.Should().Contain(Probes.UpstreamGreeting).And.Contain(Probes.HostGreeting);

            Mark("Through the proxy");
            // Through the proxy: the allowlisted name answers, the other is refused, for CONNECT and plain HTTP.
            var (allowed, allowedOut) = await scope.ExecAsync(agent, Probes.Connect("allowed.upstream.test"));
            allowedOut.Should().ContainEquivalentOf("200 Connection Established").And.Contain(Probes.UpstreamGreeting, "exit {0}", allowed);
            var (_, blockedOut) = await scope.ExecAsync(agent, Probes.Connect("blocked.upstream.test"));
            blockedOut.Should().Contain("403").And.NotContain(Probes.UpstreamGreeting);
            (await scope.ExecAsync(agent, Probes.Get("allowed.upstream.test"))).Output.Should().Contain(Probes.UpstreamGreeting);
            (await scope.ExecAsync(agent, Probes.Get("blocked.upstream.test"))).Output.Should().Contain("403").And.NotContain(Probes.UpstreamGreeting);

            Mark("Directly:");
            // Directly: no route to the upstream, and no name for it.
            var (direct, directOut) = await scope.ExecAsync(agent, Probes.Tcp(upstreamIp, 8080));
            direct.Should().NotBe(0, "the agent must have no route to {0}: {1}", upstreamIp, directOut);
            directOut.Should().NotContain(Probes.UpstreamGreeting);
            (await scope.ExecAsync(agent, "getent ahostsv4 edge")).ExitCode.Should().Be(0, "the bottle's own names resolve");
            // pipelock is not on the agent's network: reaching it directly would skip the edge's rules and scans.
            (await scope.ExecAsync(agent, Probes.Resolve("pipelock"))).ExitCode.Should().NotBe(0);
            var pipelockAddress = (await scope.Client.Containers.InspectContainerAsync(instance.ProxyId!)).NetworkSettings!.Networks!.Values
                .Select(n => n.IPAddress).Where(a => a.Length > 0).ToList();
            pipelockAddress.Should().NotBeEmpty();
            foreach (var address in pipelockAddress)
                (await scope.ExecAsync(agent, Probes.Tcp(address, 8888))).ExitCode.Should().NotBe(0, "the agent must not reach pipelock at {0}", address);
            // A failed lookup waits out the resolver's timeouts (about 10 s); one name stands for all.
            (await scope.ExecAsync(agent, Probes.Resolve("allowed.upstream.test"))).ExitCode.Should().NotBe(0);

            Mark("The host:");
            // The host: its server on all interfaces is out of reach at every address of the networks involved.
            foreach (var network in new[] { instance.InternalNetworkId!, instance.MiddleNetworkId!, instance.EgressNetworkId!, outside })
            {
                var gateway = await scope.GatewayAsync(network);
                var (code, output) = await scope.ExecAsync(agent, Probes.Tcp(gateway, hostPort));
                code.Should().NotBe(0, "the agent must not reach the host at {0}:{1}: {2}", gateway, hostPort, output);
                output.Should().NotContain(Probes.HostGreeting);
            }

            Mark("Fail closed");
            // Fail closed: with pipelock stopped the edge has no way out, and with the edge stopped the agent has none.
            await engine.StopContainerAsync(instance.ProxyId!, TimeSpan.FromSeconds(2), CancellationToken.None);
            (await scope.ExecAsync(agent, Probes.Connect("allowed.upstream.test"))).Output.Should().NotContain(Probes.UpstreamGreeting);
            await engine.StopContainerAsync(instance.EdgeId!, TimeSpan.FromSeconds(2), CancellationToken.None);
            var (closed, closedOut) = await scope.ExecAsync(agent, Probes.Connect("allowed.upstream.test"));
            closed.Should().NotBe(0, closedOut);
            closedOut.Should().NotContain(Probes.UpstreamGreeting);
            (await scope.ExecAsync(agent, Probes.Tcp(upstreamIp, 8080))).Output.Should().NotContain(Probes.UpstreamGreeting);
        }
        finally
        {
            if (upstream is not null)
                await scope.Client.Containers.RemoveContainerAsync(upstream, new ContainerRemoveParameters { Force = true });
            await runner.RemoveAsync(instance, CancellationToken.None);
        }

        Mark("removed");
        (await engine.ListByLabelAsync($"{BottleLabels.Instance}={lease.Id}", CancellationToken.None)).Should().BeEmpty();
        Directory.Exists(Bottles.StateDirectory(lease, bottle)).Should().BeFalse();
    }
}
