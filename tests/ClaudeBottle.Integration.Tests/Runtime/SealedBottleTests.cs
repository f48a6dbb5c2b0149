using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Runtime;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClaudeBottle.Integration.Tests.Runtime;

/// <summary>
/// What a manifest's image cannot change about a bottle, on the real engine: the isolation probe is not the agent's
/// image, the agent is never root, pipelock is the pinned one, and its metrics are out of the agent's reach.
/// </summary>
public sealed class SealedBottleTests
{
    /// <summary>An agent image of the test's own, built on the test agent: <paramref name="dockerfileTail"/> after its FROM.</summary>
    private static async Task<string> DerivedAgentAsync(string repository, string dockerfileTail) =>
        await TestImages.DerivedAsync(repository, $"FROM {await TestImages.AgentAsync()}\n{dockerfileTail}");

    private static async Task<(BottleRunner Runner, DockerContainerEngine Engine, InstanceLease Lease)> RunnerAsync()
    {
        await TestEngine.RequireAsync();
        var root = Directory.CreateTempSubdirectory("claude-bottle-runs-").FullName;
        var engine = new DockerContainerEngine();
        return (new BottleRunner(engine, NullLogger.Instance), engine, InstanceLease.Acquire(root));
    }

    [SkippableFact]
    public async Task An_agent_image_whose_bash_answers_ok_to_anything_cannot_fool_the_isolation_probe()
    {
        var (runner, engine, lease) = await RunnerAsync();
        using var _ = engine;
        using var __ = lease;
        // Whatever runs "bash" in this image prints what a passing probe prints, and succeeds.
        var liar = await DerivedAgentAsync("claude-bottle-test/lying-agent", """
            USER root
            RUN printf '#!/bin/sh\necho "PROBE OK"\nexit 0\n' > /tmp/bash && chmod 755 /tmp/bash && mv /tmp/bash "$(readlink -f /bin/bash)"
            USER claude
            """);
        var (bottle, proxyImage, _) = await Bottles.ResolveAsync("liar");
        // A real way out: the agent's network is an ordinary bridge, so the host answers at its gateway.
        var plan = Bottles.Plan(bottle, lease, proxyImage, liar) is var p
            ? p with { InternalNetwork = p.InternalNetwork with { Internal = false, DriverOptions = new Dictionary<string, string>() } }
            : null!;
        var progress = new RecordingProgress();

        var error = await Assert.ThrowsAsync<BottleStartException>(() =>
            runner.StartAsync(plan, Bottles.StateDirectory(lease, bottle), progress, CancellationToken.None));

        error.Reason.Should().Contain("the agent was not started").And.Contain("answered: the bottle reaches it directly");
        progress.Events.Should().NotContain("agent-started");
        (await engine.ListByLabelAsync($"{BottleLabels.Instance}={lease.Id}", CancellationToken.None)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task An_agent_image_whose_user_is_root_runs_the_agent_as_uid_1000()
    {
        var (runner, engine, lease) = await RunnerAsync();
        using var _ = engine;
        using var __ = lease;
        var rootImage = await DerivedAgentAsync("claude-bottle-test/root-agent", "USER root");
        using (var client = TestEngine.CreateClient())
            (await client.Images.InspectImageAsync(rootImage)).Config!.User.Should().Be("root", "the control: the image itself says root");
        var (bottle, proxyImage, _) = await Bottles.ResolveAsync("rooted");
        var instance = await runner.StartAsync(Bottles.Plan(bottle, lease, proxyImage, rootImage), Bottles.StateDirectory(lease, bottle),
            new RecordingProgress(), CancellationToken.None);
        try
        {
            // Every process of the agent's container, its init and the agent's own included.
            using var client = TestEngine.CreateClient();
            var (_, status) = await TestScope.ExecAsync(client, instance.AgentId!,
                "for s in /proc/[0-9]*/status; do grep -E '^(Name|Uid|Gid|Groups):' $s | tr '\\n' ' '; echo; done");
            var processes = status.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            processes.Should().Contain(line => line.Contains("sleep"), "the agent's own process is listed: {0}", status);
            processes.Should().OnlyContain(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"Uid:\s+1000\s+1000\s+1000\s+1000\s.*Gid:\s+1000\s+1000\s+1000\s+1000\s.*Groups:\s*(1000\s*)?$"),
                "every process runs as 1000:1000 with no other group: {0}", status);
        }
        finally
        {
            await runner.RemoveAsync(instance, CancellationToken.None);
        }
    }

    [SkippableFact]
    public async Task A_local_image_under_pipelocks_tag_that_is_not_the_pinned_digest_is_refused()
    {
        var (runner, engine, lease) = await RunnerAsync();
        using var _ = engine;
        using var __ = lease;
        var (bottle, proxyImage, agentImage) = await Bottles.ResolveAsync("impostor");
        using var client = TestEngine.CreateClient();
        // Any image can be given pipelock's tag: here the stand-in, which is not the pinned digest.
        await client.Images.TagImageAsync(proxyImage, new ImageTagParameters { RepositoryName = $"{PipelockImage.Registry}/{PipelockImage.Image}", Tag = PipelockImage.Tag });
        try
        {
            var error = await Assert.ThrowsAsync<BottleStartException>(() => runner.StartAsync(
                Bottles.Plan(bottle, lease, PipelockImage.Reference, agentImage), Bottles.StateDirectory(lease, bottle), new RecordingProgress(), CancellationToken.None));

            error.Step.Should().Contain($"making image {PipelockImage.Reference} available");
            error.Reason.Should().Contain("not the pinned digest").And.Contain(PipelockImage.ConfigurationKey);
            (await engine.ListByLabelAsync($"{BottleLabels.Instance}={lease.Id}", CancellationToken.None)).Should().BeEmpty();
        }
        finally
        {
            await client.Images.DeleteImageAsync(PipelockImage.TagReference, new ImageDeleteParameters { NoPrune = true });
        }
    }

    [SkippableFact]
    public async Task Pipelocks_metrics_and_stats_are_out_of_the_agents_reach()
    {
        var (runner, engine, lease) = await RunnerAsync();
        using var _ = engine;
        using var __ = lease;
        var (bottle, proxyImage, agentImage) = await Bottles.ResolveAsync("counted");
        var instance = await runner.StartAsync(Bottles.Plan(bottle, lease, proxyImage, agentImage), Bottles.StateDirectory(lease, bottle),
            new RecordingProgress(), CancellationToken.None);
        using var client = TestEngine.CreateClient();
        try
        {
            string Get(string address, string path) =>
                $"timeout 3 bash -c 'exec 3<>/dev/tcp/{address} && printf \"GET {path} HTTP/1.0\\r\\n\\r\\n\" >&3 && cat <&3'";
            // The control: pipelock serves them, on its own loopback.
            (await TestScope.ExecAsync(client, instance.ProxyId!, Get($"127.0.0.1/{PipelockConfig.MetricsAddress.Split(':')[1]}", "/metrics")))
                .Output.Should().Contain("pipelock_");
            foreach (var path in new[] { "/metrics", "/stats" })
            {
                // pipelock is not on the agent's network: asked through the edge, it is a host like any other, not allowlisted.
                var (_, output) = await TestScope.ExecAsync(client, instance.AgentId!, Get("edge/8080", $"http://pipelock:8888{path}"));
                output.Should().NotContain(" 200 ").And.NotContain("pipelock_").And.NotContain("requests", "the agent asked pipelock's port for {0} through its edge", path);
                var (code, direct) = await TestScope.ExecAsync(client, instance.AgentId!, Get($"pipelock/{PipelockConfig.MetricsAddress.Split(':')[1]}", path));
                code.Should().NotBe(0, "the metrics listener is on pipelock's loopback: {0}", direct);
            }
        }
        finally
        {
            await runner.RemoveAsync(instance, CancellationToken.None);
        }
    }

    [SkippableFact]
    public async Task The_probe_fails_on_a_network_that_gives_the_agent_IPv6()
    {
        await TestEngine.RequireAsync();
        var probeImage = await TestImages.ProbeAsync();
        await using var scope = new TestScope();
        var labels = new Dictionary<string, string> { [TestEngine.TestLabel] = scope.Id };
        // As an engine configured with IPv6 by default might make a bottle network: internal, no IPv4 host address, IPv6 on.
        var network = (await scope.Client.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = $"{scope.Id}-v6",
            Internal = true,
            EnableIPv6 = true,
            Labels = labels,
            Options = new Dictionary<string, string> { ["com.docker.network.bridge.inhibit_ipv4"] = "true" },
            IPAM = new IPAM { Config = [new IPAMConfig { Subnet = $"fd00:cb:{Random.Shared.Next(0x10000):x}::/64" }] },
        })).ID;
        await scope.StartAsync("proxy", network, Probes.HealthServer, alias: "edge");
        var probe = await scope.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = probeImage,
            Cmd = [.. IsolationProbe.Arguments(null, [], IsolationProbe.Ports)],
            User = "1000:1000",
            Labels = labels,
            HostConfig = new HostConfig { NetworkMode = network },
        });
        await scope.Client.Containers.StartContainerAsync(probe.ID, new ContainerStartParameters());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var exit = await scope.Client.Containers.WaitContainerAsync(probe.ID, timeout.Token);
        var output = await scope.LogsAsync(probe.ID);

        exit.StatusCode.Should().NotBe(0, output);
        output.Should().Contain("FAIL the bottle has IPv6").And.NotContain("does not answer /health", "the proxy answered: IPv6 alone failed it");
    }

    /// <summary>In a compose deployment the probe cannot know pipelock's address; it checks that pipelock's name does not resolve.</summary>
    [SkippableFact]
    public async Task The_probe_fails_when_pipelock_is_on_the_agents_network()
    {
        await TestEngine.RequireAsync();
        var probeImage = await TestImages.ProbeAsync();
        await using var scope = new TestScope();
        var network = await scope.CreateNetworkAsync("shared", isInternal: true);
        await scope.StartAsync("edge", network, Probes.HealthServer, alias: "edge");
        await scope.StartAsync("pipelock", network, "exec sleep infinity", alias: "pipelock");
        var probe = await scope.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = probeImage,
            Cmd = [.. IsolationProbe.Arguments(null, [], [9])],
            User = "1000:1000",
            Labels = new Dictionary<string, string> { [TestEngine.TestLabel] = scope.Id },
            HostConfig = new HostConfig { NetworkMode = network },
        });
        await scope.Client.Containers.StartContainerAsync(probe.ID, new ContainerStartParameters());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var exit = await scope.Client.Containers.WaitContainerAsync(probe.ID, timeout.Token);
        var output = await scope.LogsAsync(probe.ID);

        exit.StatusCode.Should().NotBe(0, output);
        output.Should().Contain("FAIL pipelock resolves on the agent's network").And.NotContain("does not answer /health");
    }
}
