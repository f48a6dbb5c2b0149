using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.DependencyInjection;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Integration.Tests.Hosting;

/// <summary>
/// The real app host (its Program, the Launcher, Aspire and DCP) run through Aspire.Hosting.Testing on a manifest
/// the test writes, with the pipelock stand-in as the proxy image and a state root of the test's own.
/// </summary>
internal sealed class AppHostRun : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// The Claude token of every app host this test process starts, in the launching environment once and for good:
    /// tests run in parallel, and one that set and cleared it around its own start would take it from another's.
    /// </summary>
    public static readonly string Token = $"sk-ant-oat01-test-{Guid.NewGuid():N}";

    // A static constructor: the variable is set before any member of this class is used, not merely some time before.
    static AppHostRun() => Environment.SetEnvironmentVariable("CLAUDE_BOTTLE_OAUTH_TOKEN", Token);

    private AppHostRun(DistributedApplication app, string stateRoot, string directory) =>
        (App, StateRoot, Directory) = (app, stateRoot, directory);

    public DistributedApplication App { get; }

    public string StateRoot { get; }

    public string Directory { get; }

    public static string WriteManifest(string json)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("claude-bottle-apphost-").FullName;
        File.WriteAllText(Path.Join(directory, "claude-bottle.json"), json);
        return directory;
    }

    public static Task<AppHostRun> StartAsync(string manifestDirectory, string? stateRoot = null, params string[] args) =>
        StartAsync(manifestDirectory, stateRoot, approve: true, args);

    /// <summary>Without --yes: every bottle's plan waits for approval in the dashboard.</summary>
    public static Task<AppHostRun> StartWithoutApprovalAsync(string manifestDirectory) =>
        StartAsync(manifestDirectory, null, approve: false, []);

    /// <summary>With --yes, and <paramref name="services"/> changing the app host's services before it is built.</summary>
    public static Task<AppHostRun> StartWithServicesAsync(string manifestDirectory, Action<IServiceCollection> services, params string[] args) =>
        StartAsync(manifestDirectory, null, approve: true, args, services);

    private static async Task<AppHostRun> StartAsync(string manifestDirectory, string? stateRoot, bool approve, string[] args,
        Action<IServiceCollection>? services = null)
    {
        stateRoot ??= System.IO.Directory.CreateTempSubdirectory("claude-bottle-state-").FullName;
        // Built once here, so that concurrent app hosts find them rather than each building them.
        await TestImages.ProbeAsync();
        await TestImages.EdgeAsync();
        if (args.Contains("--ClaudeBottle:Telemetry:Enabled=true"))
            await TestImages.SinkAsync();
        string[] all =
        [
            "--manifest", Path.Join(manifestDirectory, "claude-bottle.json"), .. approve ? new[] { "--yes" } : [],
            $"--ClaudeBottle:Pipelock:Image={await TestImages.ProxyAsync()}",
            $"--ClaudeBottle:StateRoot={stateRoot}",
            // The launch profile names a dashboard OTLP endpoint that nobody serves under test; a test that wants
            // telemetry turns it back on and names its own receiver (the later value wins).
            "--ClaudeBottle:Telemetry:Enabled=false",
            // Images the product builds (the telemetry sink's, a bottle's standard base) come from the offline base.
            $"--ClaudeBottle:AgentBaseImage={TestEngine.BaseImage}",
            .. args,
        ];
        using var cts = new CancellationTokenSource(Timeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ClaudeBottle_AppHost>(all, cts.Token);
        services?.Invoke(builder.Services);
        var app = await builder.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);
        return new AppHostRun(app, stateRoot, manifestDirectory);
    }

    /// <summary>Waits until <paramref name="resource"/> is in one of <paramref name="states"/>.</summary>
    public async Task<ResourceEvent> WaitAsync(string resource, params string[] states)
    {
        using var cts = new CancellationTokenSource(Timeout);
        return await App.ResourceNotifications.WaitForResourceAsync(resource, e => states.Contains(e.Snapshot.State?.Text), cts.Token);
    }

    public CustomResourceSnapshot Snapshot(string resource) =>
        App.ResourceNotifications.TryGetCurrentState(resource, out var e) ? e!.Snapshot : throw new InvalidOperationException($"no resource {resource}");

    public static string? Property(CustomResourceSnapshot snapshot, string name) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == name)?.Value?.ToString();

    public async Task<ExecuteCommandResult> CommandAsync(string resource, string command)
    {
        using var cts = new CancellationTokenSource(Timeout);
        return await App.ResourceCommands.ExecuteCommandAsync(resource, command, cts.Token);
    }

    /// <summary>Waits until <paramref name="resource"/>'s console holds a line containing <paramref name="text"/>.</summary>
    public async Task<string> WaitForLogAsync(string resource, string text)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var loggers = App.Services.GetRequiredService<ResourceLoggerService>();
        await foreach (var batch in loggers.WatchAsync(resource).WithCancellation(cts.Token))
            foreach (var line in batch)
                if (line.Content.Contains(text, StringComparison.Ordinal))
                    return line.Content;
        throw new InvalidOperationException($"{resource}'s log ended without '{text}'");
    }

    /// <summary>Objects on the engine made by any app host run whose state lives under <paramref name="stateRoot"/>.</summary>
    public static async Task<IReadOnlyList<LabelledObject>> ObjectsAsync(string stateRoot)
    {
        using var engine = new DockerContainerEngine();
        return await ObjectsAsync(engine, stateRoot);
    }

    /// <summary>The same, on <paramref name="engine"/>.</summary>
    public static async Task<IReadOnlyList<LabelledObject>> ObjectsAsync(IContainerEngine engine, string stateRoot)
    {
        var all = await engine.ListByLabelAsync($"{BottleLabels.Project}={BottleLabels.ProjectValue}", CancellationToken.None);
        return [.. all.Where(o => o.Labels.GetValueOrDefault(BottleLabels.Lease)?.StartsWith(stateRoot + "/", StringComparison.Ordinal) == true)];
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await App.StopAsync(cts.Token);
        await App.DisposeAsync();
    }
}
