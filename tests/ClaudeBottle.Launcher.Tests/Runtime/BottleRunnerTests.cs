using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Tests.Runtime;

/// <summary>The runner's sequencing and rollback, against an in-memory engine; the real engine is in the integration tests.</summary>
public sealed class BottleRunnerTests
{
    private sealed class Progress : IBottleProgress
    {
        public List<string> Events { get; } = [];
        public void Step(string message) => Events.Add(message);
        public Task ProxyCreatedAsync(string containerId) { Events.Add("proxy-created"); return Task.CompletedTask; }
        public Task ProxyHealthyAsync() { Events.Add("proxy-healthy"); return Task.CompletedTask; }
        public Task AgentStartedAsync(string containerId) { Events.Add("agent-started"); return Task.CompletedTask; }
    }

    private static (BottlePlan Plan, string State) Plan(TempDirectory dir)
    {
        var bottle = BottleResolver.Resolve(ManifestLoader.Parse("""{ "agents": { "a": {} } }""", "m.json", dir.Path), _ => null).Single();
        var state = Path.Join(dir.Path, "state");
        return (BottlePlan.Create(bottle, new BottlePlanSettings("run", Path.Join(dir.Path, "run.lock"), "cb-run-", "proxy:1", "agent:1",
            BottleRunner.ConfigFile(state), ProbeImage: "probe:1", EdgeImage: "edge:1", EdgeConfigFile: BottleRunner.EdgeConfigFile(state))), state);
    }

    [Theory]
    [InlineData(nameof(IContainerEngine.CreateNetworkAsync))]
    [InlineData(nameof(IContainerEngine.ConnectNetworkAsync))]
    [InlineData(nameof(IContainerEngine.StartContainerAsync))]
    public async Task A_failure_at_any_step_leaves_nothing_and_names_the_step(string failingStep)
    {
        using var dir = new TempDirectory();
        var (plan, state) = Plan(dir);
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" }, Failures = { [failingStep] = new InvalidOperationException("boom") } };

        var error = await Assert.ThrowsAsync<BottleStartException>(() =>
            new BottleRunner(engine, NullLogger.Instance).StartAsync(plan, state, new Progress(), CancellationToken.None));

        error.Reason.Should().Be("boom");
        engine.Containers.Should().BeEmpty();
        engine.Networks.Should().BeEmpty();
        Directory.Exists(state).Should().BeFalse("the generated config goes too");
    }

    [Fact]
    public async Task A_start_creates_networks_then_the_proxies_then_the_agent()
    {
        using var dir = new TempDirectory();
        var (plan, state) = Plan(dir);
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" } };
        var progress = new Progress();

        var instance = await new BottleRunner(engine, NullLogger.Instance).StartAsync(plan, state, progress, CancellationToken.None);

        progress.Events.Should().ContainInOrder("creating the bottle's networks", "proxy-created", "checking the proxies and the bottle's isolation", "proxy-healthy", "agent-started");
        engine.Networks.Values.Select(n => n.Name).Should().BeEquivalentTo("cb-run-a-internal", "cb-run-a-middle", "cb-run-a-egress");
        engine.Containers.Values.Select(c => c.Name).Should().BeEquivalentTo(new[] { "cb-run-a-proxy", "cb-run-a-edge", "cb-run-a-agent" }, "the probe is removed once done");
        File.ReadAllText(BottleRunner.ConfigFile(state)).Should().Contain("mode: strict");
        File.ReadAllText(BottleRunner.EdgeConfigFile(state)).Should().Contain("\"upstreamProxy\": \"http://pipelock:8888\"");
        engine.StdinBytes.Should().ContainKey(instance.EdgeId!, "the edge is given its secrets on stdin, as it starts")
            .And.HaveCount(1, "no other container is");

        await new BottleRunner(engine, NullLogger.Instance).RemoveAsync(instance, CancellationToken.None);
        engine.Containers.Should().BeEmpty();
        engine.Networks.Should().BeEmpty();
    }

    [Fact]
    public async Task Each_network_gets_its_own_subnet_and_an_exhausted_pool_is_a_clear_error()
    {
        using var dir = new TempDirectory();
        var (plan, state) = Plan(dir);
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" } };
        var runner = new BottleRunner(engine, NullLogger.Instance) { Subnets = SubnetAllocator.Parse("192.168.77.0/26") };

        await runner.StartAsync(plan, state, new Progress(), CancellationToken.None);
        engine.Networks.Values.Select(n => n.Subnet).Should().BeEquivalentTo("192.168.77.0/28", "192.168.77.16/28", "192.168.77.32/28");

        var error = await Assert.ThrowsAsync<BottleStartException>(() =>
            runner.StartAsync(plan, Path.Join(dir.Path, "state2"), new Progress(), CancellationToken.None));
        error.Reason.Should().Contain("no free /28 subnet is left in the bottle address pool 192.168.77.0/26").And.Contain(NetworkOptions.AddressPoolKey);
        engine.Networks.Should().HaveCount(3, "the failed start made nothing");
    }

    /// <summary>Two app hosts pick a subnet from the same engine list; the one that loses the race must look past it.</summary>
    [Fact]
    public async Task A_subnet_another_app_host_is_taking_is_skipped_not_tried_again()
    {
        using var dir = new TempDirectory();
        var (plan, state) = Plan(dir);
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" }, TakenElsewhere = { "192.168.77.0/28", "192.168.77.16/28", "192.168.77.32/28" } };
        var runner = new BottleRunner(engine, NullLogger.Instance) { Subnets = SubnetAllocator.Parse("192.168.77.0/25") };

        await runner.StartAsync(plan, state, new Progress(), CancellationToken.None);

        engine.Networks.Values.Select(n => n.Subnet).Should().BeEquivalentTo("192.168.77.48/28", "192.168.77.64/28", "192.168.77.80/28");
    }

    [Fact]
    public async Task A_network_the_engine_gives_IPv6_is_removed_and_the_bottle_not_started()
    {
        using var dir = new TempDirectory();
        var (plan, state) = Plan(dir);
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" }, IPv6ByDefault = true };

        var error = await Assert.ThrowsAsync<BottleStartException>(() =>
            new BottleRunner(engine, NullLogger.Instance).StartAsync(plan, state, new Progress(), CancellationToken.None));

        error.Reason.Should().Contain("IPv6").And.Contain("must be IPv4 only");
        engine.Networks.Should().BeEmpty();
        engine.Containers.Should().BeEmpty();
    }

    /// <summary>Under load the client can time out on a create that the engine completes: what it made is still removed.</summary>
    [Fact]
    public async Task A_network_made_by_a_create_the_client_gave_up_on_is_removed_with_the_rest()
    {
        using var dir = new TempDirectory();
        var (plan, state) = Plan(dir);
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" }, NetworkCreateTimesOut = true };

        await Assert.ThrowsAsync<BottleStartException>(() =>
            new BottleRunner(engine, NullLogger.Instance).StartAsync(plan, state, new Progress(), CancellationToken.None));

        engine.Networks.Should().BeEmpty("the middle network the engine made, whose id the runner never got, is found by its labels");
        engine.Containers.Should().BeEmpty();
    }
}
