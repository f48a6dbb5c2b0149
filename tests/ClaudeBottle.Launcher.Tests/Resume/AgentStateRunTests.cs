using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Tests.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClaudeBottle.Launcher.Tests.Resume;

/// <summary>The state volume through a bottle's start and removal, and the reaper, against the in-memory engine.</summary>
public sealed class AgentStateRunTests
{
    private sealed class Progress : IBottleProgress
    {
        public void Step(string message) { }
        public Task ProxyCreatedAsync(string containerId) => Task.CompletedTask;
        public Task ProxyHealthyAsync() => Task.CompletedTask;
        public Task AgentStartedAsync(string containerId) => Task.CompletedTask;
    }

    private static (BottlePlan Plan, string State) Plan(TempDirectory dir, ConversationMode mode, string run = "run")
    {
        var bottle = BottleResolver.Resolve(ManifestLoader.Parse("""{ "agents": { "a": { "resume": true } } }""", "m.json", dir.Path), _ => null)
            .Single().WithConversation(mode);
        var state = Path.Join(dir.Path, run);
        return (BottlePlan.Create(bottle, new BottlePlanSettings(run, Path.Join(dir.Path, $"{run}.lock"), $"cb-{run}-", "proxy:1", "agent:1",
            BottleRunner.ConfigFile(state), ProbeImage: "probe:1", EdgeImage: "edge:1", EdgeConfigFile: BottleRunner.EdgeConfigFile(state))), state);
    }

    private static Task<BottleInstance> StartAsync(FakeEngine engine, (BottlePlan Plan, string State) p) =>
        new BottleRunner(engine, NullLogger.Instance).StartAsync(p.Plan, p.State, new Progress(), CancellationToken.None);

    [Fact]
    public async Task The_volume_is_made_before_the_agent_and_outlives_the_bottle_with_what_it_holds()
    {
        using var dir = new TempDirectory();
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" } };
        var first = Plan(dir, ConversationMode.Resume);

        var instance = await StartAsync(engine, first);
        engine.Volumes[first.Plan.StateVolume!.Name].Files["projects/-workspace/s1.jsonl"] = "run 1";
        await new BottleRunner(engine, NullLogger.Instance).RemoveAsync(instance, CancellationToken.None);

        engine.Containers.Should().BeEmpty();
        engine.Volumes.Should().ContainKey(first.Plan.StateVolume.Name);
        var second = Plan(dir, ConversationMode.Resume, "run2");
        await StartAsync(engine, second);
        engine.Volumes[second.Plan.StateVolume!.Name].Files.Should().ContainKey("projects/-workspace/s1.jsonl", "a resumed start keeps what the last one left");
    }

    [Fact]
    public async Task A_fresh_start_empties_the_volume_first()
    {
        using var dir = new TempDirectory();
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" } };
        var plan = Plan(dir, ConversationMode.Fresh);
        await engine.CreateVolumeAsync(plan.Plan.StateVolume!, CancellationToken.None);
        engine.Volumes[plan.Plan.StateVolume!.Name].Files["history.jsonl"] = "old";

        await StartAsync(engine, plan);

        engine.Volumes[plan.Plan.StateVolume.Name].Files.Should().BeEmpty();
    }

    [Fact]
    public async Task A_fresh_start_while_another_runs_agent_uses_the_volume_fails_naming_it_and_leaves_nothing()
    {
        using var dir = new TempDirectory();
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" } };
        await StartAsync(engine, Plan(dir, ConversationMode.Resume, "other"));
        var before = engine.Containers.Count;
        var fresh = Plan(dir, ConversationMode.Fresh);

        var error = await Assert.ThrowsAsync<BottleStartException>(() => StartAsync(engine, fresh));

        error.Step.Should().Be($"emptying the agent's kept conversation (volume {fresh.Plan.StateVolume!.Name})");
        error.Reason.Should().Contain("volume is in use");
        engine.Containers.Should().HaveCount(before, "the failed start's containers are removed, the other run's kept");
    }

    [Fact]
    public async Task The_reaper_removes_a_dead_runs_bottle_but_never_its_agents_state_volume()
    {
        using var dir = new TempDirectory();
        using var stateRoot = new TempDirectory();
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" } };
        using var dead = InstanceLease.Acquire(stateRoot.Path);
        var plan = Plan(dir, ConversationMode.Resume);
        var deadPlan = BottlePlan.Create(plan.Plan.Bottle, new BottlePlanSettings(dead.Id, dead.LockFile, $"cb-{dead.Id}-", "proxy:1", "agent:1",
            BottleRunner.ConfigFile(plan.State), ProbeImage: "probe:1", EdgeImage: "edge:1", EdgeConfigFile: BottleRunner.EdgeConfigFile(plan.State)));
        await StartAsync(engine, (deadPlan, plan.State));
        engine.Volumes[deadPlan.StateVolume!.Name].Files["history.jsonl"] = "kept";
        // A volume someone labelled as the dead run's own is still not the reaper's to remove.
        await engine.CreateVolumeAsync(new VolumeSpec("forged-state", new Dictionary<string, string>(deadPlan.StateVolume.Labels)
        {
            [BottleLabels.Instance] = dead.Id, [BottleLabels.Lease] = dead.LockFile, [BottleLabels.Host] = Environment.MachineName,
        }), CancellationToken.None);
        dead.Abandon();
        using var current = InstanceLease.Acquire(stateRoot.Path);

        var result = await new Reaper(engine, NullLogger.Instance).ReapAsync(current, CancellationToken.None);

        result.Removed.Should().NotBeEmpty();
        engine.Containers.Should().BeEmpty("the dead run's bottle is reaped");
        engine.Volumes.Keys.Should().BeEquivalentTo(deadPlan.StateVolume.Name, "forged-state");
        engine.Volumes[deadPlan.StateVolume.Name].Files.Should().ContainKey("history.jsonl");
    }
}
