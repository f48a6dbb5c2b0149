#pragma warning disable ASPIREINTERACTION001 // The interaction service is how Aspire asks the user; it is marked for evaluation.
using System.Reflection;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Hosting;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Tests.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace ClaudeBottle.Launcher.Tests.Hosting;

/// <summary>
/// A bottle's build context is shown in the approval dialog and read only once the person approves: measured by the
/// files' access times (a read moves them), not by which methods ran.
/// </summary>
public sealed class BuildContextApprovalTests : IAsyncLifetime
{
    private static readonly DateTime LongAgo = new(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly TempDirectory _dir = new();
    private DistributedApplication? _app;

    /// <summary>The dashboard's prompt, answered by the test; <see cref="OnPrompt"/> runs while the dialog is open.</summary>
    public class Dialog : DispatchProxy
    {
        public bool Answer { get; set; }
        public string? Shown { get; private set; }
        public Action? OnPrompt { get; set; }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            if (method!.Name == "get_IsAvailable")
                return true;
            if (method.Name != nameof(IInteractionService.PromptConfirmationAsync))
                throw new NotSupportedException(method.Name);
            Shown = (string)args![1]!;
            OnPrompt?.Invoke();
            return Task.FromResult(InteractionResult.Ok(Answer));
        }
    }

    private (BottleOrchestrator Orchestrator, ResourceNotificationService Notifications, BottleResource Bottle, Dialog Dialog, string Payload) StartApp(FakeEngine engine)
    {
        _dir.Write("ctx/Dockerfile", "ARG CLAUDE_BOTTLE_AGENT_IMAGE\nFROM ${CLAUDE_BOTTLE_AGENT_IMAGE}\nCOPY . /ctx/\n");
        var payload = _dir.Write("ctx/payload.bin", "contents read only after approval");
        File.SetLastAccessTimeUtc(payload, LongAgo);
        var dialog = DispatchProxy.Create<IInteractionService, Dialog>();
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            DisableDashboard = true,
            Args = [$"--ClaudeBottle:StateRoot={_dir.Path}", "--ClaudeBottle:Telemetry:Enabled=false", "--ClaudeBottle:AgentImage=agent:1",
                "--ClaudeBottle:Pipelock:Image=proxy:1"],
        });
        builder.Services.AddSingleton<IContainerEngine>(engine);
        builder.Services.AddSingleton(dialog);
        builder.AddClaudeBottles(ManifestLoader.Parse("""{ "bottles": { "default": { "build": { "context": "ctx" } } }, "agents": { "solo": { "prompt": "go" } } }""",
            Path.Join(_dir.Path, "claude-bottle.json"), _dir.Path));
        _app = builder.Build();
        var bottle = _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<BottleResource>().Single();
        return (_app.Services.GetRequiredService<BottleOrchestrator>(), _app.Services.GetRequiredService<ResourceNotificationService>(), bottle, (Dialog)dialog, payload);
    }

    /// <summary>Skips where reads do not move access times (a noatime mount): there the measure would prove nothing.</summary>
    private void RequireAccessTimes()
    {
        var control = _dir.Write("control.bin", "x");
        File.SetLastAccessTimeUtc(control, LongAgo);
        File.ReadAllBytes(control);
        Skip.If(File.GetLastAccessTimeUtc(control) == LongAgo, "this file system does not record reads in access times");
    }

    [SkippableFact]
    public async Task A_declined_plan_shows_the_context_and_reads_none_of_its_files()
    {
        RequireAccessTimes();
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" } };
        var (orchestrator, notifications, bottle, dialog, payload) = StartApp(engine);
        dialog.Answer = false;

        await orchestrator.StartAsync(bottle, CancellationToken.None);

        dialog.Shown.Should().Contain("context:    ctx: 2 files, 0 directories, 0 symbolic links");
        notifications.TryGetCurrentState("solo", out var state).Should().BeTrue();
        state!.Snapshot.State!.Text.Should().Be(KnownResourceStates.NotStarted);
        File.GetLastAccessTimeUtc(payload).Should().Be(LongAgo, "no file of the context is read before approval");
        engine.Images.Should().NotContain(i => i.StartsWith(AgentImages.CustomRepository, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task An_approved_plan_reads_and_builds_the_context_and_says_when_it_changed_meanwhile()
    {
        RequireAccessTimes();
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" }, AgentsKeepRunning = true };
        var (orchestrator, notifications, bottle, dialog, payload) = StartApp(engine);
        dialog.Answer = true;
        dialog.OnPrompt = () => _dir.Write("ctx/added-while-asking.txt", "x");
        // Subscribed before the start: the first MoveNextAsync runs the watch up to its first wait.
        using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var console = _app!.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(bottle.Name).GetAsyncEnumerator(watching.Token);
        var next = console.MoveNextAsync();
        await orchestrator.StartAsync(bottle, CancellationToken.None);

        File.GetLastAccessTimeUtc(payload).Should().NotBe(LongAgo, "the context is read once approved");
        engine.Images.Should().Contain(i => i.StartsWith(AgentImages.CustomRepository, StringComparison.Ordinal));
        var said = new List<string>();
        while (!said.Any(l => l.Contains("changed after its plan was approved", StringComparison.Ordinal)) && await next)
        {
            said.AddRange(console.Current.Select(l => l.Content));
            next = console.MoveNextAsync();
        }
        said.Should().Contain(l => l.Contains("changed after its plan was approved (approved: 2 files", StringComparison.Ordinal) && l.Contains("now: 3 files"));
        await watching.CancelAsync();
        await orchestrator.ShutdownAsync();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
        _dir.Dispose();
    }
}
