using System.Diagnostics;
using System.Globalization;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Hosting;
using ClaudeBottle.Integration.Tests.Runtime;
using ClaudeBottle.Launcher.Runtime;
using Docker.DotNet.Models;
using NetworkSpec = ClaudeBottle.Launcher.Planning.NetworkSpec;
using Microsoft.Extensions.Logging.Abstractions;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Integration.Tests.Hardening;

/// <summary>
/// What can only be shown on an engine of the test's own (<see cref="IsolatedEngine"/>): an engine whose DNS leaks
/// (CVE-2024-29018, its resolver on loopback), and an engine that restarts under running bottles.
/// </summary>
public sealed class IsolatedEngineTests
{
    [SkippableFact]
    public async Task On_an_engine_whose_dns_leaks_the_agent_resolves_no_outside_name_and_pipelock_still_does()
    {
        await using var isolated = await IsolatedEngine.StartAsync();
        var (bottle, proxyImage, agentImage) = await Bottles.ResolveAsync("dns");
        await isolated.LoadAsync(proxyImage, agentImage, TestImages.ProbeTag, TestImages.EdgeTag);
        using var client = isolated.CreateClient();
        using var engine = isolated.CreateEngine();
        var nonce = Guid.NewGuid().ToString("N")[..10];

        // The control: a container on an internal network, as Docker makes it by default, resolves an outside name
        // through the host's loopback resolver. This engine has the bug, so what follows means something.
        var network = await engine.CreateNetworkAsync(new NetworkSpec("control", Internal: true, new Dictionary<string, string>(),
            new Dictionary<string, string> { ["com.docker.network.bridge.inhibit_ipv4"] = "true" }, "10.213.200.0/28", "10.213.200.1"), CancellationToken.None);
        try
        {
            var (control, controlOut) = await RunAsync(client, agentImage, network, $"getent ahostsv4 control-{nonce}.outside.test");
            control.Should().Be(0, "the engine under test must leak for the test to mean anything: {0}", controlOut);
            isolated.DnsLog.Should().Contain($"control-{nonce}.outside.test");
        }
        finally
        {
            await engine.RemoveNetworkAsync(network, CancellationToken.None);
        }

        // A bottle on the same engine: the agent's lookups never reach the resolver; its own names still resolve.
        var root = Directory.CreateTempSubdirectory("claude-bottle-runs-").FullName;
        using var lease = InstanceLease.Acquire(root);
        var runner = new BottleRunner(engine, NullLogger.Instance);
        var instance = await runner.StartAsync(Bottles.Plan(bottle, lease, proxyImage, agentImage), Bottles.StateDirectory(lease, bottle),
            new RecordingProgress(), CancellationToken.None);
        try
        {
            var (leak, leakOut) = await TestScope.ExecAsync(client, instance.AgentId!, $"timeout 30 getent ahostsv4 agent-{nonce}.outside.test");
            leak.Should().NotBe(0, "the agent must not resolve an outside name: {0}", leakOut);
            isolated.DnsLog.Should().NotContain($"agent-{nonce}", "the agent's lookup must not even reach the host's resolver");
            (await TestScope.ExecAsync(client, instance.AgentId!, "getent ahostsv4 edge")).ExitCode.Should().Be(0, "the bottle's own names resolve");

            var (proxy, proxyOut) = await TestScope.ExecAsync(client, instance.ProxyId!, $"getent ahostsv4 proxy-{nonce}.outside.test");
            proxy.Should().Be(0, "pipelock resolves the hosts it is allowed to reach: {0}", proxyOut);
            proxyOut.Should().Contain("203.0.113.7");
        }
        finally
        {
            await runner.RemoveAsync(instance, CancellationToken.None);
        }
    }

    [SkippableFact]
    public async Task When_the_engine_restarts_under_a_running_bottle_the_app_host_reports_it_and_removes_the_bottle()
    {
        await using var isolated = await IsolatedEngine.StartAsync();
        var proxyImage = await TestImages.ProxyAsync();
        var agentImage = await TestImages.AgentAsync();
        await isolated.LoadAsync(proxyImage, agentImage, await TestImages.ProbeAsync(), await TestImages.EdgeAsync());
        using var engine = isolated.CreateEngine();
        var manifest = AppHostRun.WriteManifest("""{ "agents": { "survivor": {} } }""");
        var stateRoot = Directory.CreateTempSubdirectory("claude-bottle-state-").FullName;
        Task<IReadOnlyList<LabelledObject>> Objects() => AppHostRun.ObjectsAsync(engine, stateRoot);

        await using var host = await AppHostProcess.StartAsync(manifest, stateRoot, false,
            new Dictionary<string, string> { ["DOCKER_HOST"] = isolated.Endpoint.ToString() }, $"--ClaudeBottle:AgentImage={agentImage}");
        await AppHostCrashTests.WaitUntilAsync(async () => (await Objects()).Any(o => o.Kind == LabelledKind.Container && o.Name.EndsWith("-survivor-agent", StringComparison.Ordinal)),
            "the bottle runs on the isolated engine");
        await Task.Delay(TimeSpan.FromSeconds(1));

        await isolated.RestartAsync();

        // A stopping engine first stops its containers, so the app host may see the agent exit before the engine goes,
        // or lose the engine while waiting: either way it says so, and once the engine is back it finishes the bottle
        // (the agent did not survive the restart: it has no restart policy).
        await AppHostCrashTests.WaitUntilAsync(() => Task.FromResult(
                host.Text.Contains("Could not remove all of bottle survivor; retrying when the container engine answers", StringComparison.Ordinal) ||
                host.Text.Contains("Lost the container engine while bottle survivor runs", StringComparison.Ordinal)),
            $"the app host reports the engine gone; it printed:\n{host.Text}");
        await AppHostCrashTests.WaitUntilAsync(async () => (await Objects()).Count == 0, $"the bottle is removed from the restarted engine; the app host printed:\n{host.Text}");
        await AppHostCrashTests.WaitUntilAsync(() => Task.FromResult(
                host.Text.Contains("Finished removing bottle survivor", StringComparison.Ordinal) ||
                host.Text.Contains("The container engine answers again; bottle survivor's agent is exited", StringComparison.Ordinal)),
            "the app host reports the engine back");
        Directory.EnumerateDirectories(stateRoot, "*", SearchOption.AllDirectories).Should().NotContain(d => d.EndsWith("/survivor", StringComparison.Ordinal),
            "the bottle's generated files go with it");
        host.Process.HasExited.Should().BeFalse("the app host carries on");

        using (var kill = Process.Start("kill", ["-TERM", host.Process.Id.ToString(CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var exit = new CancellationTokenSource(AppHostRun.Timeout);
        await host.Process.WaitForExitAsync(exit.Token);
    }

    [SkippableFact]
    public async Task On_a_host_whose_firewall_drops_every_port_but_one_the_probe_finds_the_one()
    {
        await using var isolated = await IsolatedEngine.StartAsync();
        var (bottle, proxyImage, agentImage) = await Bottles.ResolveAsync("firewalled");
        await isolated.LoadAsync(proxyImage, agentImage, TestImages.ProbeTag, TestImages.EdgeTag);
        using var engine = isolated.CreateEngine();
        // The engine's host drops every TCP connection from a bridge, so a closed port is silent instead of refusing,
        // except on the engine's TCP API port, where a server of the test's answers.
        await isolated.RunOnHostAsync("iptables -I INPUT -i br-+ -p tcp -j DROP && iptables -I INPUT -i br-+ -p tcp --dport 2375 -j ACCEPT");
        using var server = isolated.StartOnHost(
            "exec perl -MIO::Socket::INET -e '$s=IO::Socket::INET->new(LocalPort=>2375,Listen=>16,ReuseAddr=>1) or die $!; while($c=$s->accept){print $c qq(engine-api\n); close $c}'");
        var root = Directory.CreateTempSubdirectory("claude-bottle-runs-").FullName;
        using var lease = InstanceLease.Acquire(root);
        // A way out on that port only: the agent's network is an ordinary bridge, whose gateway is the host.
        var plan = Bottles.Plan(bottle, lease, proxyImage, agentImage) is var p
            ? p with { InternalNetwork = p.InternalNetwork with { Internal = false, DriverOptions = new Dictionary<string, string>() } }
            : null!;
        var progress = new RecordingProgress();
        try
        {
            var error = await Assert.ThrowsAsync<BottleStartException>(() =>
                new BottleRunner(engine, NullLogger.Instance).StartAsync(plan, Bottles.StateDirectory(lease, bottle), progress, CancellationToken.None));

            error.Reason.Should().Contain(":2375 answered: the bottle reaches it directly")
                .And.NotContain(":9 answered", "the control: the discard port is silent behind the firewall, so it alone would pass");
            progress.Events.Should().NotContain("agent-started");
        }
        finally
        {
            server.Kill();
        }
    }

    private static async Task<(long ExitCode, string Output)> RunAsync(global::Docker.DotNet.DockerClient client, string image, string network, string script)
    {
        var container = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            Entrypoint = ["bash", "-c"],
            Cmd = [script],
            HostConfig = new HostConfig { NetworkMode = network },
        });
        try
        {
            await client.Containers.StartContainerAsync(container.ID, new ContainerStartParameters());
            var exit = await client.Containers.WaitContainerAsync(container.ID);
            using var logs = await client.Containers.GetContainerLogsAsync(container.ID, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true });
            var (stdout, stderr) = await logs.ReadOutputToEndAsync(CancellationToken.None);
            return (exit.StatusCode, stdout + stderr);
        }
        finally
        {
            await client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        }
    }
}
