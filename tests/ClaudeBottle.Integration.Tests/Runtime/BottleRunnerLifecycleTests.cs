using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Integration.Tests.Runtime;

public sealed class BottleRunnerLifecycleTests
{
    [SkippableFact]
    public async Task A_start_that_fails_midway_removes_what_it_had_made_and_says_why()
    {
        await TestEngine.RequireAsync();
        var (bottle, proxyImage, agentImage) = await Bottles.ResolveAsync("broken");
        var root = Directory.CreateTempSubdirectory("claude-bottle-runs-").FullName;
        using var lease = InstanceLease.Acquire(root);
        using var engine = new DockerContainerEngine();
        var runner = new BottleRunner(engine, NullLogger.Instance);
        // The engine refuses a memory limit this small, after the networks and the proxy exist.
        var plan = Bottles.Plan(bottle, lease, proxyImage, agentImage) is var p ? p with { Agent = p.Agent with { MemoryBytes = 1024 } } : null!;
        var progress = new RecordingProgress();

        var error = await Assert.ThrowsAsync<BottleStartException>(() =>
            runner.StartAsync(plan, Bottles.StateDirectory(lease, bottle), progress, CancellationToken.None));

        // The probe does not carry the agent's limits: the agent is the container the engine refuses, after the probe passed.
        error.Step.Should().Be("creating the agent");
        error.Reason.Should().Contain("the engine answered");
        progress.Events.Should().Contain("proxy-created", "the failure came after the networks and the proxy existed");
        (await engine.ListByLabelAsync($"{BottleLabels.Instance}={lease.Id}", CancellationToken.None)).Should().BeEmpty();
        Directory.Exists(Bottles.StateDirectory(lease, bottle)).Should().BeFalse();
    }

    [SkippableFact]
    public async Task If_the_isolation_probe_finds_a_way_out_the_agent_is_never_created()
    {
        await TestEngine.RequireAsync();
        var (bottle, proxyImage, agentImage) = await Bottles.ResolveAsync("leaky");
        var root = Directory.CreateTempSubdirectory("claude-bottle-runs-").FullName;
        using var lease = InstanceLease.Acquire(root);
        using var engine = new DockerContainerEngine();
        var runner = new BottleRunner(engine, NullLogger.Instance);
        // A broken plan: the agent's network is an ordinary bridge, so the host answers at its gateway.
        var plan = Bottles.Plan(bottle, lease, proxyImage, agentImage) is var p
            ? p with { InternalNetwork = p.InternalNetwork with { Internal = false, DriverOptions = new Dictionary<string, string>() } }
            : null!;
        var progress = new RecordingProgress();

        var error = await Assert.ThrowsAsync<BottleStartException>(() =>
            runner.StartAsync(plan, Bottles.StateDirectory(lease, bottle), progress, CancellationToken.None));

        error.Step.Should().Be("checking the proxies and the bottle's isolation");
        error.Reason.Should().Contain("the agent was not started").And.Contain("answered: the bottle reaches it directly");
        progress.Events.Should().NotContain("agent-started");
        (await engine.ListByLabelAsync($"{BottleLabels.Instance}={lease.Id}", CancellationToken.None)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_probe_whose_checks_cannot_all_run_fails_closed()
    {
        await TestEngine.RequireAsync();
        var (bottle, proxyImage, agentImage) = await Bottles.ResolveAsync("starved-probe");
        var root = Directory.CreateTempSubdirectory("claude-bottle-runs-").FullName;
        using var lease = InstanceLease.Acquire(root);
        using var engine = new DockerContainerEngine();
        var runner = new BottleRunner(engine, NullLogger.Instance);
        // Too few processes for a shell per address and port: checks that never ran must not pass for silence.
        var plan = Bottles.Plan(bottle, lease, proxyImage, agentImage) is var p ? p with { Probe = p.Probe! with { Pids = 24 } } : null!;
        var progress = new RecordingProgress();

        var error = await Assert.ThrowsAsync<BottleStartException>(() =>
            runner.StartAsync(plan, Bottles.StateDirectory(lease, bottle), progress, CancellationToken.None));

        error.Step.Should().Be("checking the proxies and the bottle's isolation");
        error.Reason.Should().Contain("the agent was not started").And.Contain("reach checks reported silence");
        progress.Events.Should().NotContain("agent-started");
        (await engine.ListByLabelAsync($"{BottleLabels.Instance}={lease.Id}", CancellationToken.None)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_missing_image_that_cannot_be_pulled_fails_before_anything_is_created()
    {
        await TestEngine.RequireAsync();
        var (bottle, proxyImage, _) = await Bottles.ResolveAsync("no-image");
        var root = Directory.CreateTempSubdirectory("claude-bottle-runs-").FullName;
        using var lease = InstanceLease.Acquire(root);
        using var engine = new DockerContainerEngine();
        var runner = new BottleRunner(engine, NullLogger.Instance);
        var plan = Bottles.Plan(bottle, lease, proxyImage, "claude-bottle-test/does-not-exist:1");

        var error = await Assert.ThrowsAsync<BottleStartException>(() =>
            runner.StartAsync(plan, Bottles.StateDirectory(lease, bottle), new RecordingProgress(), CancellationToken.None));

        error.Step.Should().Contain("making image claude-bottle-test/does-not-exist:1 available");
        error.Reason.Should().Contain("could not be pulled");
        (await engine.ListByLabelAsync($"{BottleLabels.Instance}={lease.Id}", CancellationToken.None)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task The_reaper_removes_a_dead_runs_objects_and_leaves_a_live_runs_alone()
    {
        await TestEngine.RequireAsync();
        var (bottle, proxyImage, agentImage) = await Bottles.ResolveAsync("reaped");
        var root = Directory.CreateTempSubdirectory("claude-bottle-runs-").FullName;
        using var engine = new DockerContainerEngine();
        var runner = new BottleRunner(engine, NullLogger.Instance);

        using var live = InstanceLease.Acquire(root);
        var liveBottle = await runner.StartAsync(Bottles.Plan(bottle, live, proxyImage, agentImage),
            Bottles.StateDirectory(live, bottle), new RecordingProgress(), CancellationToken.None);
        var dead = InstanceLease.Acquire(root);
        await runner.StartAsync(Bottles.Plan(bottle, dead, proxyImage, agentImage),
            Bottles.StateDirectory(dead, bottle), new RecordingProgress(), CancellationToken.None);
        // Dropping the lock without cleaning up is what a SIGKILL leaves: objects on the engine, no lock holder.
        dead.Abandon();
        try
        {
            using var current = InstanceLease.Acquire(root);
            var result = await new Reaper(engine, NullLogger.Instance).ReapAsync(current, CancellationToken.None);

            // Leftovers of earlier crashed runs on this engine may be reaped too; a live run's never are.
            result.Removed.Where(o => o.Labels[BottleLabels.Instance] == dead.Id).Should().HaveCount(6, "the dead run's agent, edge, proxy and three networks");
            result.Removed.Should().NotContain(o => o.Labels[BottleLabels.Instance] == live.Id);
            (await engine.ListByLabelAsync($"{BottleLabels.Instance}={dead.Id}", CancellationToken.None)).Should().BeEmpty();
            (await engine.ListByLabelAsync($"{BottleLabels.Instance}={live.Id}", CancellationToken.None)).Should().HaveCount(6);
            Directory.Exists(dead.Directory).Should().BeFalse();
        }
        finally
        {
            await runner.RemoveAsync(liveBottle, CancellationToken.None);
        }
    }
}
