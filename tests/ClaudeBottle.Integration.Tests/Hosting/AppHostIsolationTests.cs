using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using Docker.DotNet.Models;

namespace ClaudeBottle.Integration.Tests.Hosting;

/// <summary>
/// Isolation of a bottle the app host started, probed from inside its agent, with the dashboard's proxy commands
/// cutting and restoring its only way out. The outside world is an upstream of the test's own.
/// </summary>
public sealed class AppHostIsolationTests
{
    [SkippableFact]
    public async Task The_agent_gets_out_only_through_its_proxy_and_not_at_all_while_the_proxy_is_stopped()
    {
        await TestEngine.RequireAsync();
        var agentImage = await TestImages.AgentAsync();
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{agentImage}}", "egress": { "allowlist": ["allowed.upstream.test"] } } },
              "agents": { "probe": {} } }
            """);
        await using var scope = new TestScope();
        await using var run = await AppHostRun.StartAsync(manifest);
        await run.WaitAsync("probe-agent", KnownResourceStates.Running);
        var agent = AppHostRun.Property(run.Snapshot("probe-agent"), "container.id")!;
        var egress = AppHostRun.Property(run.Snapshot("probe-proxy"), "container.networks")!.Split(", ").Single(n => n.EndsWith("-egress"));

        var (upstream, outside, upstreamIp) = await scope.StartUpstreamAsync(egress, "allowed.upstream.test", "blocked.upstream.test");

        var allowed = await RetryAsync(() => scope.ExecAsync(agent, Probes.Connect("allowed.upstream.test")), r => r.Output.Contains(Probes.UpstreamGreeting));
        allowed.Output.Should().ContainEquivalentOf("200 Connection Established").And.Contain(Probes.UpstreamGreeting);
        (await scope.ExecAsync(agent, Probes.Connect("blocked.upstream.test"))).Output.Should().Contain("403").And.NotContain(Probes.UpstreamGreeting);
        (await run.WaitForLogAsync("probe-proxy", "\"event\":\"blocked\"")).Should().Contain("blocked.upstream.test");
        (await scope.ExecAsync(agent, Probes.Tcp(upstreamIp, 8080))).Output
            .Should().NotContain(Probes.UpstreamGreeting, "the agent has no route to {0}", upstreamIp);
        (await scope.ExecAsync(agent, Probes.Resolve("edge"))).ExitCode.Should().Be(0, "the bottle's own names resolve");
        (await scope.ExecAsync(agent, Probes.Resolve("pipelock"))).ExitCode.Should().NotBe(0, "pipelock is not on the agent's network");
        (await scope.ExecAsync(agent, Probes.Resolve("allowed.upstream.test"))).ExitCode.Should().NotBe(0, "no other name does");

        // The host: a server on all interfaces is out of reach at the address of every network involved.
        await using (var hostServer = new Probes.HostServer())
        {
            var (control, controlOut) = await scope.RunAsync("control", outside,
                $"for i in $(seq 10); do {Probes.Tcp(await scope.GatewayAsync(outside), hostServer.Port)} && exit 0; sleep 1; done; exit 1", TimeSpan.FromSeconds(60));
            control.Should().Be(0, "the host server answers an ordinary network: {0}", controlOut);
            var networks = AppHostRun.Property(run.Snapshot("probe-proxy"), "container.networks")!.Split(", ")
                .Concat(AppHostRun.Property(run.Snapshot("probe-agent"), "container.networks")!.Split(", ")).Append(outside).Distinct();
            foreach (var network in networks)
            {
                var gateway = await scope.GatewayAsync(network);
                (await scope.ExecAsync(agent, Probes.Tcp(gateway, hostServer.Port))).Output
                    .Should().NotContain(Probes.HostGreeting, "the agent must not reach the host at {0}", gateway);
            }
        }

        // The dashboard's Stop on the proxy leaves the agent with no way out at all: the edge still takes the tunnel,
        // and nothing comes through it.
        (await run.CommandAsync("probe-proxy", KnownResourceCommands.StopCommand)).Success.Should().BeTrue();
        await run.WaitAsync("probe-proxy", KnownResourceStates.Exited);
        var (_, closedOut) = await scope.ExecAsync(agent, Probes.Connect("allowed.upstream.test"));
        closedOut.Should().NotContain(Probes.UpstreamGreeting);
        run.Snapshot("probe-agent").State!.Text.Should().Be(KnownResourceStates.Running, "the agent itself keeps running");

        // Start brings the way out back.
        (await run.CommandAsync("probe-proxy", KnownResourceCommands.StartCommand)).Success.Should().BeTrue();
        await run.WaitAsync("probe-proxy", KnownResourceStates.Running);
        (await RetryAsync(() => scope.ExecAsync(agent, Probes.Connect("allowed.upstream.test")), r => r.Output.Contains(Probes.UpstreamGreeting)))
            .Output.Should().Contain(Probes.UpstreamGreeting);

        await scope.Client.Containers.RemoveContainerAsync(upstream, new ContainerRemoveParameters { Force = true });
    }

    private static async Task<(long ExitCode, string Output)> RetryAsync(Func<Task<(long, string)>> probe, Func<(long ExitCode, string Output), bool> done)
    {
        (long, string) result = default;
        for (var i = 0; i < 15; i++)
        {
            result = await probe();
            if (done(result))
                break;
            await Task.Delay(500);
        }
        return result;
    }
}
