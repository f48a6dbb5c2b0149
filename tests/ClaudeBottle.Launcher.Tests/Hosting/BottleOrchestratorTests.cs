using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Hosting;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Tests.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace ClaudeBottle.Launcher.Tests.Hosting;

/// <summary>The orchestrator against the in-memory engine: what exists on the engine, and what the dashboard is told.</summary>
public sealed class BottleOrchestratorTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private DistributedApplication? _app;

    private (BottleOrchestrator Orchestrator, ResourceNotificationService Notifications, BottleResource Bottle) StartApp(
        FakeEngine engine, bool approve = true, string? stateRoot = null)
    {
        // No dashboard: nobody could answer an approval, and none is needed to drive bottles.
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            DisableDashboard = true,
            Args = [$"--ClaudeBottle:StateRoot={stateRoot ?? _dir.Path}", $"--ClaudeBottle:AutoApprove={approve}",
                "--ClaudeBottle:Telemetry:Enabled=false", "--ClaudeBottle:AgentImage=agent:1", "--ClaudeBottle:Pipelock:Image=proxy:1",
                "--ClaudeBottle:ProbeImage=probe:1", "--ClaudeBottle:EdgeImage=edge:1"],
        });
        builder.Services.AddSingleton<IContainerEngine>(engine);
        builder.AddClaudeBottles(ManifestLoader.Parse("""{ "agents": { "solo": { "prompt": "go" } } }""", "claude-bottle.json", _dir.Path));
        _app = builder.Build();
        var bottle = _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<BottleResource>().Single();
        return (_app.Services.GetRequiredService<BottleOrchestrator>(), _app.Services.GetRequiredService<ResourceNotificationService>(), bottle);
    }

    private static async Task<CustomResourceSnapshot> WaitAsync(ResourceNotificationService notifications, string resource, string state)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return (await notifications.WaitForResourceAsync(resource, e => e.Snapshot.State?.Text == state, timeout.Token)).Snapshot;
    }

    [Fact]
    public async Task A_bottle_runs_its_agent_and_is_removed_whole_when_the_agent_exits_with_its_exit_code()
    {
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" }, ExitCodes = { ["agent"] = 3 } };
        var (orchestrator, notifications, bottle) = StartApp(engine);

        await orchestrator.StartAsync(bottle, CancellationToken.None);

        var ended = await WaitAsync(notifications, "solo", KnownResourceStates.Exited);
        ended.ExitCode.Should().Be(3);
        (await WaitAsync(notifications, "solo-agent", KnownResourceStates.Exited)).ExitCode.Should().Be(3);
        engine.Containers.Should().BeEmpty("the agent, the proxy and the probe are gone");
        engine.Networks.Should().BeEmpty();
    }

    [Fact]
    public async Task Shutdown_removes_every_running_bottle_and_a_later_start_does_nothing()
    {
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" }, AgentsKeepRunning = true };
        var (orchestrator, notifications, bottle) = StartApp(engine);
        await orchestrator.StartAsync(bottle, CancellationToken.None);
        await WaitAsync(notifications, "solo-agent", KnownResourceStates.Running);
        engine.Containers.Values.Select(c => c.Labels[Launcher.Planning.BottleLabels.Role]).Should().BeEquivalentTo("proxy", "edge", "agent");
        orchestrator.ContainerName(bottle, agent: true).Should().EndWith("-solo-agent");

        await orchestrator.ShutdownAsync();

        engine.Containers.Should().BeEmpty();
        engine.Networks.Should().BeEmpty();
        await orchestrator.StartAsync(bottle, CancellationToken.None);
        engine.Containers.Should().BeEmpty("nothing starts once the app host is stopping");
    }

    [Fact]
    public async Task A_start_that_fails_is_reported_and_leaves_nothing()
    {
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" }, Failures = { [nameof(IContainerEngine.StartContainerAsync)] = new InvalidOperationException("no luck") } };
        var (orchestrator, notifications, bottle) = StartApp(engine);

        await orchestrator.StartAsync(bottle, CancellationToken.None);

        await WaitAsync(notifications, "solo", KnownResourceStates.FailedToStart);
        await WaitAsync(notifications, "solo-proxy", KnownResourceStates.FailedToStart);
        engine.Containers.Should().BeEmpty();
        engine.Networks.Should().BeEmpty();
    }

    [Fact]
    public async Task A_state_folder_that_is_a_symlink_fails_the_start_and_nothing_is_made()
    {
        var target = Directory.CreateDirectory(Path.Join(_dir.Path, "elsewhere")).FullName;
        var link = Path.Join(_dir.Path, "state");
        File.CreateSymbolicLink(link, target);
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" } };
        var (orchestrator, notifications, bottle) = StartApp(engine, stateRoot: link);

        await orchestrator.StartAsync(bottle, CancellationToken.None);

        await WaitAsync(notifications, "solo", KnownResourceStates.FailedToStart);
        engine.Containers.Should().BeEmpty();
        engine.Networks.Should().BeEmpty();
        Directory.EnumerateFileSystemEntries(target).Should().BeEmpty("no lock or state was written through the link");
    }

    [Fact]
    public async Task A_plan_nobody_can_approve_is_not_started()
    {
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" } };
        var (orchestrator, notifications, bottle) = StartApp(engine, approve: false);

        await orchestrator.StartAsync(bottle, CancellationToken.None);

        notifications.TryGetCurrentState("solo", out var state).Should().BeTrue();
        state!.Snapshot.State!.Text.Should().Be(KnownResourceStates.NotStarted);
        engine.Containers.Should().BeEmpty();
        engine.Networks.Should().BeEmpty();
    }

    [Fact]
    public async Task Approved_in_advance_a_bottle_is_made_before_aspire_initialises_it_and_taken_over_then()
    {
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" }, AgentsKeepRunning = true };
        var (orchestrator, notifications, bottle) = StartApp(engine);

        orchestrator.BeginEarly([bottle]);
        await WaitUntilAsync(() => engine.Running.Count == 3);
        if (notifications.TryGetCurrentState("solo", out var before))
            before!.Snapshot.State?.Text.Should().Be(KnownResourceStates.NotStarted, "nothing is published before Aspire initialises the bottle");

        await orchestrator.StartAsync(bottle, CancellationToken.None);

        (await WaitAsync(notifications, "solo-agent", KnownResourceStates.Running)).Properties.Should().Contain(p => p.Name == "container.id");
        engine.Containers.Values.Count(c => c.Labels[Launcher.Planning.BottleLabels.Role] == "agent").Should().Be(1, "the head start's agent is taken over, not made again");
        await orchestrator.ShutdownAsync();
        engine.Containers.Should().BeEmpty();
    }

    [Fact]
    public async Task A_head_start_nobody_took_over_is_removed_at_shutdown()
    {
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" }, AgentsKeepRunning = true };
        var (orchestrator, _, bottle) = StartApp(engine);
        orchestrator.BeginEarly([bottle]);
        await WaitUntilAsync(() => engine.Running.Count == 3);

        await orchestrator.ShutdownAsync();

        engine.Containers.Should().BeEmpty();
        engine.Networks.Should().BeEmpty();
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
            await Task.Delay(50);
        condition().Should().BeTrue();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
        _dir.Dispose();
    }
}
