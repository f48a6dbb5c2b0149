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

    [SkippableFact]
    public async Task After_a_SIGKILL_the_next_start_reaps_what_the_dead_app_host_left()
    {
        await TestEngine.RequireAsync();
        var agentImage = await TestImages.AgentAsync();
        var manifest = AppHostRun.WriteManifest($$"""{ "bottles": { "default": { "image": "{{agentImage}}" } }, "agents": { "victim": {} } }""");
        var stateRoot = Directory.CreateTempSubdirectory("claude-bottle-state-").FullName;

        await using (var host = await AppHostProcess.StartAsync(manifest, stateRoot))
        {
            try
            {
                await WaitUntilAsync(async () => (await AppHostRun.ObjectsAsync(stateRoot)).Count(o => o.Kind == LabelledKind.Container) == 3,
                    "the app host process started its bottle");
            }
            finally
            {
                host.Process.Kill(); // SIGKILL: no shutdown code runs.
                await host.Process.WaitForExitAsync();
            }
        }
        var leftovers = await AppHostRun.ObjectsAsync(stateRoot);
        leftovers.Should().HaveCount(6, "a killed app host cannot clean up: three containers and three networks remain");

        await using var next = await AppHostRun.StartAsync(manifest, stateRoot);
        await next.WaitAsync("victim-agent", KnownResourceStates.Running);
        var now = await AppHostRun.ObjectsAsync(stateRoot);
        now.Should().HaveCount(6, "only the new run's bottle");
        now.Select(o => o.Id).Should().NotIntersectWith(leftovers.Select(o => o.Id), "the dead run's objects were reaped");
    }

    [SkippableFact]
    public async Task SIGTERM_stops_the_app_host_and_removes_everything_it_made()
    {
        await TestEngine.RequireAsync();
        var agentImage = await TestImages.AgentAsync();
        var manifest = AppHostRun.WriteManifest($$"""{ "bottles": { "default": { "image": "{{agentImage}}" } }, "agents": { "one": {}, "two": {} } }""");
        var stateRoot = Directory.CreateTempSubdirectory("claude-bottle-state-").FullName;

        await using var host = await AppHostProcess.StartAsync(manifest, stateRoot);
        var process = host.Process;
        try
        {
            await WaitUntilAsync(async () => (await AppHostRun.ObjectsAsync(stateRoot)).Count(o => o.Kind == LabelledKind.Container) == 6,
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

        (await AppHostRun.ObjectsAsync(stateRoot)).Should().BeEmpty("SIGTERM runs the app host's shutdown, which removes its bottles; it printed:\n{0}", host.Output);
        Directory.EnumerateFileSystemEntries(stateRoot).Should().BeEmpty();
        // Quiet: proxies removed on purpose, or not yet checked by the engine, are nothing a person must read about.
        host.Text.Should().NotContain("status Unhealthy").And.NotContain("status Degraded");
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
                both.Should().HaveCount(12, "same manifest, same agent names, no collision");
                both.Select(o => o.Id).Should().Contain(firstObjects.Select(o => o.Id), "the second run's reaper left the live first run alone");
            }

            (await AppHostRun.ObjectsAsync(stateRoot)).Select(o => o.Id).Should().BeEquivalentTo(firstObjects.Select(o => o.Id),
                "stopping the second run removed only its own objects");
            first.Snapshot("twin-agent").State!.Text.Should().Be(KnownResourceStates.Running);
        }
        (await AppHostRun.ObjectsAsync(stateRoot)).Should().BeEmpty();
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
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
