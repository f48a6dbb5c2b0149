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
    private const string Upstream =
        "exec perl -MIO::Socket::INET -e '$s=IO::Socket::INET->new(LocalPort=>8080,Listen=>16,ReuseAddr=>1) or die $!; " +
        "while($c=$s->accept){print $c qq(HTTP/1.0 200 OK\\r\\n\\r\\nupstream-says-hi\\n); close $c}'";

    private static string Connect(string host) =>
        $"timeout 5 bash -c 'exec 3<>/dev/tcp/pipelock/8888 && printf \"CONNECT {host}:8080 HTTP/1.1\\r\\nHost: {host}:8080\\r\\n\\r\\n\" >&3 && timeout 3 cat <&3'";

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

        var outside = await scope.CreateNetworkAsync("outside", isInternal: false);
        var upstream = await scope.StartAsync("upstream", outside, Upstream);
        await scope.Client.Networks.ConnectNetworkAsync(egress, new NetworkConnectParameters
        {
            Container = upstream,
            EndpointConfig = new EndpointSettings { Aliases = ["allowed.upstream.test", "blocked.upstream.test"] },
        });
        var upstreamIp = (await scope.Client.Containers.InspectContainerAsync(upstream)).NetworkSettings!.Networks[egress].IPAddress;

        var allowed = await RetryAsync(() => scope.ExecAsync(agent, Connect("allowed.upstream.test")), r => r.Output.Contains("upstream-says-hi"));
        allowed.Output.Should().Contain("200 Connection Established").And.Contain("upstream-says-hi");
        (await scope.ExecAsync(agent, Connect("blocked.upstream.test"))).Output.Should().Contain("403").And.NotContain("upstream-says-hi");
        (await run.WaitForLogAsync("probe-proxy", "\"event\":\"blocked\"")).Should().Contain("blocked.upstream.test");
        (await scope.ExecAsync(agent, $"timeout 2 bash -c 'exec 3<>/dev/tcp/{upstreamIp}/8080 && cat <&3'")).Output
            .Should().NotContain("upstream-says-hi", "the agent has no route to {0}", upstreamIp);

        // The dashboard's Stop on the proxy leaves the agent with no way out at all.
        (await run.CommandAsync("probe-proxy", KnownResourceCommands.StopCommand)).Success.Should().BeTrue();
        await run.WaitAsync("probe-proxy", KnownResourceStates.Exited);
        var (closed, closedOut) = await scope.ExecAsync(agent, Connect("allowed.upstream.test"));
        closed.Should().NotBe(0, closedOut);
        closedOut.Should().NotContain("upstream-says-hi");
        run.Snapshot("probe-agent").State!.Text.Should().Be(KnownResourceStates.Running, "the agent itself keeps running");

        // Start brings the way out back.
        (await run.CommandAsync("probe-proxy", KnownResourceCommands.StartCommand)).Success.Should().BeTrue();
        await run.WaitAsync("probe-proxy", KnownResourceStates.Running);
        (await RetryAsync(() => scope.ExecAsync(agent, Connect("allowed.upstream.test")), r => r.Output.Contains("upstream-says-hi")))
            .Output.Should().Contain("upstream-says-hi");

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
