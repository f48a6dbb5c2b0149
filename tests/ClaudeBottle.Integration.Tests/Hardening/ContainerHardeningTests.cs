using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Hosting;
using Docker.DotNet.Models;

namespace ClaudeBottle.Integration.Tests.Hardening;

/// <summary>
/// The agent is assumed hostile: these probes run as it, inside bottles the app host started, and check what it
/// cannot do. Each check would fail if the protection were missing.
/// </summary>
public sealed class ContainerHardeningTests
{
    [SkippableFact]
    public async Task The_agent_is_unprivileged_confined_and_limited_and_cannot_see_the_host_or_other_bottles()
    {
        await TestEngine.RequireAsync();
        var agentImage = await TestImages.AgentAsync();
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{agentImage}}", "resources": { "cpus": 1.5, "memory": "512m", "pids": 256 } } },
              "agents": { "mallory": {}, "victim": {} } }
            """);
        await using var run = await AppHostRun.StartAsync(manifest);
        await run.WaitAsync("mallory-agent", KnownResourceStates.Running);
        await run.WaitAsync("victim-agent", KnownResourceStates.Running);
        var agent = AppHostRun.Property(run.Snapshot("mallory-agent"), "container.id")!;
        using var client = TestEngine.CreateClient();
        async Task<(long Code, string Output)> Exec(string script) => await TestScope.ExecAsync(client, agent, script);

        // Unprivileged: not root, no capabilities, no way to gain any.
        (await Exec("id -u")).Output.Trim().Should().NotBe("0");
        (await Exec("grep CapEff /proc/self/status")).Output.Should().Contain("0000000000000000");
        (await Exec("grep NoNewPrivs /proc/self/status")).Output.Should().MatchRegex(@"NoNewPrivs:\s+1");

        // Confined: the image cannot be altered; only home, the workspace mounts and /tmp are writable.
        (await Exec("touch /usr/local/bin/implant")).Code.Should().NotBe(0, "the root filesystem is read-only");
        (await Exec("touch /etc/implant")).Code.Should().NotBe(0);
        (await Exec("touch ~/notes /tmp/scratch")).Code.Should().Be(0, "home and /tmp stay writable");

        // No engine: no Docker socket anywhere it could reach it.
        (await Exec("for s in /var/run/docker.sock /run/docker.sock /tmp/docker.sock; do test -S $s && echo \"socket at $s\"; done; true")).Output
            .Should().BeEmpty();
        foreach (var resource in new[] { "mallory-agent", "mallory-proxy" })
        {
            var inspect = await client.Containers.InspectContainerAsync(AppHostRun.Property(run.Snapshot(resource), "container.id")!);
            inspect.Mounts.Should().NotContain(m => m.Source.Contains("docker.sock"));
            inspect.HostConfig!.Privileged.Should().BeFalse();
            inspect.HostConfig.CapDrop.Should().Contain("ALL");
            inspect.HostConfig.SecurityOpt.Should().Contain("no-new-privileges:true");
        }

        // Its own processes only: the host's (the engine, the app host) are invisible.
        var processes = (await Exec("for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done")).Output;
        processes.Should().NotContain("dockerd").And.NotContain("ClaudeBottle.AppHost").And.NotContain("containerd");
        processes.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.Should().BeLessThan(10);

        // Limited as the manifest says, and the limits hold.
        var limits = (await client.Containers.InspectContainerAsync(agent)).HostConfig!;
        limits.Memory.Should().Be(512L << 20);
        limits.NanoCPUs.Should().Be(1_500_000_000);
        limits.PidsLimit.Should().Be(256);
        limits.RestartPolicy.Name.Should().NotBe(RestartPolicyKind.Always).And.NotBe(RestartPolicyKind.UnlessStopped).And.NotBe(RestartPolicyKind.OnFailure,
            "an agent that crashes ends; it is not restarted in a loop");
        var (forkBomb, forkOutput) = await Exec("for i in $(seq 300); do sleep 30 & done 2>&1 | tail -1; jobs -p | wc -l; kill $(jobs -p) 2>/dev/null; true");
        forkOutput.Should().Contain("Resource temporarily unavailable", "the pids limit stops a fork bomb at {0}", 256);

        // Another bottle is out of sight: its proxies have no name here and no route from here.
        var runId = (await client.Containers.InspectContainerAsync(agent)).Config!.Labels[Launcher.Planning.BottleLabels.Instance];
        async Task<ContainerInspectResponse> EdgeOf(string bottle) => await client.Containers.InspectContainerAsync((await client.Containers.ListContainersAsync(
            new ContainersListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = new Dictionary<string, bool>
                    {
                        [$"{Launcher.Planning.BottleLabels.Instance}={runId}"] = true,
                        [$"{Launcher.Planning.BottleLabels.Bottle}={bottle}"] = true,
                        [$"{Launcher.Planning.BottleLabels.Role}=edge"] = true,
                    },
                },
            })).Single().ID);
        var victimEdge = await EdgeOf("victim");
        var victimProxy = await client.Containers.InspectContainerAsync(AppHostRun.Property(run.Snapshot("victim-proxy"), "container.id")!);
        var victimIp = victimEdge.NetworkSettings!.Networks.Single(n => n.Key.EndsWith("-victim-internal")).Value.IPAddress;
        var ownIp = (await EdgeOf("mallory")).NetworkSettings!.Networks.Single(n => n.Key.EndsWith("-mallory-internal")).Value.IPAddress;
        (await Exec("getent ahostsv4 edge")).Output.Should().Contain(ownIp).And.NotContain(victimIp);
        (await Exec(Probes.Tcp(victimIp, 8080))).Code.Should().NotBe(0, "no route into another bottle at {0}", victimIp);
        foreach (var address in victimProxy.NetworkSettings!.Networks.Values.Select(n => n.IPAddress))
            (await Exec(Probes.Tcp(address, 8888))).Code.Should().NotBe(0, "no route to another bottle's pipelock at {0}", address);
        (await Exec(Probes.Resolve(victimProxy.Name.TrimStart('/')))).Code.Should().NotBe(0);
        (await Exec(Probes.Resolve(victimEdge.Name.TrimStart('/')))).Code.Should().NotBe(0);
    }

    [SkippableFact]
    public async Task A_crashed_proxy_is_restarted_and_the_agents_egress_recovers()
    {
        await TestEngine.RequireAsync();
        var agentImage = await TestImages.AgentAsync();
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{agentImage}}", "egress": { "allowlist": ["allowed.upstream.test"] } } }, "agents": { "crashy": {} } }
            """);
        await using var scope = new TestScope();
        await using var run = await AppHostRun.StartAsync(manifest);
        await run.WaitAsync("crashy-agent", KnownResourceStates.Running);
        var agent = AppHostRun.Property(run.Snapshot("crashy-agent"), "container.id")!;
        var proxy = AppHostRun.Property(run.Snapshot("crashy-proxy"), "container.id")!;
        var egress = AppHostRun.Property(run.Snapshot("crashy-proxy"), "container.networks")!.Split(", ").Single(n => n.EndsWith("-egress"));
        var (upstream, _, _) = await scope.StartUpstreamAsync(egress, "allowed.upstream.test");
        (await scope.ExecAsync(agent, Probes.Connect("allowed.upstream.test"))).Output.Should().Contain(Probes.UpstreamGreeting);

        // The proxy dies unasked: everything of its user is killed from inside.
        await scope.ExecAsync(proxy, "kill -9 -1");
        // The engine restarts it at once, often before anyone sees it down; its console says it is back.
        await run.WaitForLogAsync("crashy-proxy", "The proxy is running again");
        run.Snapshot("crashy-proxy").State!.Text.Should().Be(KnownResourceStates.Running);
        (await scope.Client.Containers.InspectContainerAsync(proxy)).RestartCount.Should().BeGreaterThan(0, "the engine restarted it");

        string output = "";
        for (var i = 0; i < 20 && !output.Contains(Probes.UpstreamGreeting); i++, await Task.Delay(500))
            output = (await scope.ExecAsync(agent, Probes.Connect("allowed.upstream.test"))).Output;
        output.Should().Contain(Probes.UpstreamGreeting, "egress recovers once the proxy is back");
        await scope.Client.Containers.RemoveContainerAsync(upstream, new ContainerRemoveParameters { Force = true });
    }
}
