using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClaudeBottle.Launcher.Tests.Runtime;

/// <summary>How run mode makes the isolation probe, against an in-memory engine; what it finds is in the integration tests.</summary>
public sealed class IsolationProbeRunTests
{
    private sealed class Progress : IBottleProgress
    {
        public void Step(string message) { }
        public Task ProxyCreatedAsync(string containerId) => Task.CompletedTask;
        public Task ProxyHealthyAsync() => Task.CompletedTask;
        public Task AgentStartedAsync(string containerId) => Task.CompletedTask;
    }

    private static (BottlePlan Plan, string State) Plan(TempDirectory dir, string? probeImage)
    {
        var bottle = BottleResolver.Resolve(ManifestLoader.Parse("""{ "bottles": { "default": { "image": "own:1" } }, "agents": { "a": {} } }""",
            "m.json", dir.Path), _ => null).Single();
        var state = Path.Join(dir.Path, "state");
        return (BottlePlan.Create(bottle, new BottlePlanSettings("run", Path.Join(dir.Path, "run.lock"), "cb-run-", "proxy:1", "own:1",
            BottleRunner.ConfigFile(state), ProbeImage: probeImage, EdgeImage: "edge:1", EdgeConfigFile: BottleRunner.EdgeConfigFile(state))), state);
    }

    [Fact]
    public async Task The_probe_runs_from_the_products_image_as_the_agents_user_and_tries_every_gateway_and_pipelock_on_every_port()
    {
        using var dir = new TempDirectory();
        var (plan, state) = Plan(dir, "claude-bottle/probe:1");
        var engine = new FakeEngine();

        var instance = await new BottleRunner(engine, NullLogger.Instance) { ProbePorts = [22, 2375, 41234] }.StartAsync(plan, state, new Progress(), CancellationToken.None);

        var probe = engine.CreatedSpecs.Single(c => c.Labels[BottleLabels.Role] == IsolationProbe.Role);
        var agent = engine.CreatedSpecs.Single(c => c.Labels[BottleLabels.Role] == "agent");
        probe.Image.Should().Be("claude-bottle/probe:1", "never the agent's own image, which the manifest chose");
        probe.User.Should().Be(AgentLayout.UserId).And.Be(agent.User);
        probe.Network.Should().Be(agent.Network);
        probe.Environment.Should().BeEmpty();
        probe.Binds.Should().BeEmpty();
        var args = probe.Command!;
        var gateways = args.Select((a, i) => (a, i)).Where(x => x.a == "--gateway").Select(x => args[x.i + 1]).ToList();
        var pipelock = engine.CreatedSpecs.Single(c => c.Labels[BottleLabels.Role] == "proxy").IPv4Address!;
        gateways.Should().BeEquivalentTo(instance.InternalNetworkId!.Replace("net", "10.99.") + ".1", instance.MiddleNetworkId!.Replace("net", "10.99.") + ".1",
            instance.EgressNetworkId!.Replace("net", "10.99.") + ".1", pipelock);
        args.Select((a, i) => (a, i)).Where(x => x.a == "--port").Select(x => args[x.i + 1]).Should().Equal("22", "2375", "41234");
        args.Should().ContainInConsecutiveOrder("--proxy-host", "edge").And.ContainInConsecutiveOrder("--proxy-port", "8080");
    }

    [Fact]
    public async Task A_plan_without_a_probe_is_not_started()
    {
        using var dir = new TempDirectory();
        var (plan, state) = Plan(dir, probeImage: null);
        var engine = new FakeEngine();

        var error = await Assert.ThrowsAsync<BottleStartException>(() =>
            new BottleRunner(engine, NullLogger.Instance).StartAsync(plan, state, new Progress(), CancellationToken.None));

        error.Reason.Should().Contain("no isolation probe");
        engine.CreatedSpecs.Should().BeEmpty();
        engine.Networks.Should().BeEmpty();
    }

    [Fact]
    public async Task A_probe_that_exits_0_without_saying_PROBE_OK_stops_the_bottle()
    {
        using var dir = new TempDirectory();
        var (plan, state) = Plan(dir, "claude-bottle/probe:1");
        var engine = new FakeEngine { ProbeOutput = "something else" };

        var error = await Assert.ThrowsAsync<BottleStartException>(() =>
            new BottleRunner(engine, NullLogger.Instance).StartAsync(plan, state, new Progress(), CancellationToken.None));

        error.Reason.Should().Contain("the isolation probe failed");
        engine.CreatedSpecs.Should().NotContain(c => c.Labels[BottleLabels.Role] == "agent");
        engine.Containers.Should().BeEmpty();
    }
}
