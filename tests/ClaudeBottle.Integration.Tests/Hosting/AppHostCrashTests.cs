using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Launcher.Runtime;

namespace ClaudeBottle.Integration.Tests.Hosting;

/// <summary>What happens when app hosts die or overlap: leftovers are reaped, live runs are never touched.</summary>
public sealed class AppHostCrashTests
{
    /// <summary>What the app host process printed, shown when an assertion about it fails.</summary>
    private System.Text.StringBuilder Output { get; } = new();

    [SkippableFact]
    public async Task After_a_SIGKILL_the_next_start_reaps_what_the_dead_app_host_left()
    {
        await TestEngine.RequireAsync();
        var agentImage = await TestImages.AgentAsync();
        var manifest = AppHostRun.WriteManifest($$"""{ "bottles": { "default": { "image": "{{agentImage}}" } }, "agents": { "victim": {} } }""");
        var stateRoot = Directory.CreateTempSubdirectory("claude-bottle-state-").FullName;

        using (var process = await StartAppHostProcessAsync(manifest, stateRoot))
        {
            try
            {
                await WaitUntilAsync(async () => (await AppHostRun.ObjectsAsync(stateRoot)).Count(o => o.Kind == LabelledKind.Container) == 2,
                    "the app host process started its bottle");
            }
            finally
            {
                process.Kill(); // SIGKILL: no shutdown code runs.
                await process.WaitForExitAsync();
            }
        }
        var leftovers = await AppHostRun.ObjectsAsync(stateRoot);
        leftovers.Should().HaveCount(4, "a killed app host cannot clean up: two containers and two networks remain");

        await using var next = await AppHostRun.StartAsync(manifest, stateRoot);
        await next.WaitAsync("victim-agent", KnownResourceStates.Running);
        var now = await AppHostRun.ObjectsAsync(stateRoot);
        now.Should().HaveCount(4, "only the new run's bottle");
        now.Select(o => o.Id).Should().NotIntersectWith(leftovers.Select(o => o.Id), "the dead run's objects were reaped");
    }

    [SkippableFact]
    public async Task SIGTERM_stops_the_app_host_and_removes_everything_it_made()
    {
        await TestEngine.RequireAsync();
        var agentImage = await TestImages.AgentAsync();
        var manifest = AppHostRun.WriteManifest($$"""{ "bottles": { "default": { "image": "{{agentImage}}" } }, "agents": { "one": {}, "two": {} } }""");
        var stateRoot = Directory.CreateTempSubdirectory("claude-bottle-state-").FullName;

        using var process = await StartAppHostProcessAsync(manifest, stateRoot);
        try
        {
            await WaitUntilAsync(async () => (await AppHostRun.ObjectsAsync(stateRoot)).Count(o => o.Kind == LabelledKind.Container) == 4,
                "the app host process started both bottles");
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                await kill.WaitForExitAsync();
            using var exit = new CancellationTokenSource(AppHostRun.Timeout);
            await process.WaitForExitAsync(exit.Token);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill();
        }

        (await AppHostRun.ObjectsAsync(stateRoot)).Should().BeEmpty("SIGTERM runs the app host's shutdown, which removes its bottles; it printed:\n{0}", Output);
        Directory.EnumerateFileSystemEntries(stateRoot).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Two_app_hosts_at_once_neither_collides_with_nor_removes_the_others_objects()
    {
        await TestEngine.RequireAsync();
        var agentImage = await TestImages.AgentAsync();
        var manifest = AppHostRun.WriteManifest($$"""{ "bottles": { "default": { "image": "{{agentImage}}" } }, "agents": { "twin": {} } }""");
        var stateRoot = Directory.CreateTempSubdirectory("claude-bottle-state-").FullName;

        var first = await AppHostRun.StartAsync(manifest, stateRoot);
        await using (first)
        {
            await first.WaitAsync("twin-agent", KnownResourceStates.Running);
            var firstObjects = await AppHostRun.ObjectsAsync(stateRoot);

            var second = await AppHostRun.StartAsync(manifest, stateRoot);
            await using (second)
            {
                await second.WaitAsync("twin-agent", KnownResourceStates.Running);
                var both = await AppHostRun.ObjectsAsync(stateRoot);
                both.Should().HaveCount(8, "same manifest, same agent names, no collision");
                both.Select(o => o.Id).Should().Contain(firstObjects.Select(o => o.Id), "the second run's reaper left the live first run alone");
            }

            (await AppHostRun.ObjectsAsync(stateRoot)).Select(o => o.Id).Should().BeEquivalentTo(firstObjects.Select(o => o.Id),
                "stopping the second run removed only its own objects");
            first.Snapshot("twin-agent").State!.Text.Should().Be(KnownResourceStates.Running);
        }
        (await AppHostRun.ObjectsAsync(stateRoot)).Should().BeEmpty();
    }

    private async Task<Process> StartAppHostProcessAsync(string manifestDirectory, string stateRoot)
    {
        // The app host is built beside the tests (they reference it).
        var binary = Path.Join(AppContext.BaseDirectory, "ClaudeBottle.AppHost");
        var start = new ProcessStartInfo(binary,
        [
            "--manifest", Path.Join(manifestDirectory, "claude-bottle.json"), "--yes",
            $"--ClaudeBottle:Pipelock:Image={await TestImages.ProxyAsync()}", $"--ClaudeBottle:StateRoot={stateRoot}",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = manifestDirectory,
        };
        // A plain run needs the dashboard on http, as the app host's launch profile sets it up.
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort()}";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (Output) Output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (Output) Output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + AppHostRun.Timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
                return;
            await Task.Delay(500);
        }
        throw new TimeoutException($"timed out waiting until {what}");
    }
}
