using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Hosting;
using ClaudeBottle.Launcher.Planning;
using Docker.DotNet.Models;

namespace ClaudeBottle.Integration.Tests.Hardening;

/// <summary>
/// A hostile agent whose workspace holds a file the manifest mounts (an ssh key here) swaps it, between two starts of
/// its bottle, for a symbolic link to a key of the host's. The next start must not mount the host's key: it is refused
/// before the engine is asked to create anything.
/// </summary>
public sealed class MountSwapTests
{
    [SkippableFact]
    public async Task An_agent_that_swaps_its_ssh_key_for_a_link_to_a_host_key_cannot_restart_its_bottle_and_nothing_is_created()
    {
        await TestEngine.RequireAsync();
        var agentImage = await TestImages.AgentAsync();
        var outside = Directory.CreateTempSubdirectory("claude-bottle-host-").FullName;
        var hostKey = Path.Join(outside, "id_ed25519");
        File.WriteAllText(hostKey, "THE USER'S OWN KEY");
        var directory = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{agentImage}}", "ssh": ["work/deploy_key"] } },
              "agents": { "swapper": { "workspace": "work" } } }
            """);
        var work = Directory.CreateDirectory(Path.Join(directory, "work"));
        File.WriteAllText(Path.Join(work.FullName, "deploy_key"), "the deploy key");
        // The agent runs as uid 1000 and writes its workspace.
        work.UnixFileMode = (UnixFileMode)0b111_111_111;

        var launched = DateTimeOffset.UtcNow.AddSeconds(-1);
        await using var run = await AppHostRun.StartAsync(directory);
        await run.WaitAsync("swapper-agent", KnownResourceStates.Running);
        var agent = AppHostRun.Property(run.Snapshot("swapper-agent"), "container.id")!;
        using var client = TestEngine.CreateClient();
        var mounts = (await client.Containers.InspectContainerAsync(agent)).Mounts;
        mounts.Should().Contain(m => m.Type == "bind" && m.Source == Path.Join(work.FullName, "deploy_key") && m.Destination == "/home/claude/.ssh/deploy_key");
        (await TestScope.ExecAsync(client, agent, "cat ~/.ssh/deploy_key")).Output.Should().Be("the deploy key");

        // The agent's move: the approved file becomes a link to the host's key (a path on the host, not in the bottle).
        var swap = await TestScope.ExecAsync(client, agent, $"rm /workspace/deploy_key && ln -s {hostKey} /workspace/deploy_key");
        swap.ExitCode.Should().Be(0, swap.Output);
        // Event times are whole seconds: the restart's window starts a clear second after the first start's creations.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var before = DateTimeOffset.UtcNow;
        // The control: the engine's events do show this run's creations.
        (await Created(client, launched, before, run.StateRoot)).Should().Contain(c => c.StartsWith("container ") && c.EndsWith("-swapper-agent"));

        await run.CommandAsync("swapper", KnownResourceCommands.RestartCommand);
        await run.WaitAsync("swapper", KnownResourceStates.FailedToStart);

        var reason = await run.WaitForLogAsync("swapper", "checking the manifest's host paths");
        reason.Should().Contain($"claude-bottle.json: bottles.default.ssh[0]: 'work/deploy_key' now leads to {hostKey}")
            .And.Contain("restart claude-bottle to have the new plan shown and approved");
        (await AppHostRun.ObjectsAsync(run.StateRoot)).Should().BeEmpty("the old bottle is gone and the new one was not made");
        (await Created(client, before, DateTimeOffset.UtcNow.AddSeconds(1), run.StateRoot)).Should().BeEmpty("the refused start asked the engine to create nothing");
    }

    /// <summary>Containers of this run the engine created between <paramref name="since"/> and <paramref name="until"/>.</summary>
    private static async Task<List<string>> Created(global::Docker.DotNet.DockerClient client, DateTimeOffset since, DateTimeOffset until, string stateRoot)
    {
        var created = new List<string>();
        var progress = new Reports(m =>
        {
            IDictionary<string, string> attributes = m.Actor?.Attributes ?? new Dictionary<string, string>();
            if (m.Action == "create" && attributes.TryGetValue(BottleLabels.Lease, out var lease) && lease.StartsWith(stateRoot + "/", StringComparison.Ordinal))
                lock (created) created.Add($"{m.Type} {(attributes.TryGetValue("name", out var name) ? name : "?")}");
        });
        await client.System.MonitorEventsAsync(new ContainerEventsParameters
        {
            Since = since.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            Until = (until.ToUnixTimeSeconds() + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, progress, CancellationToken.None);
        lock (created) return [.. created];
    }

    /// <summary>Reports handled as they arrive (<see cref="Progress{T}"/> would post them elsewhere, to land later).</summary>
    private sealed class Reports(Action<Message> handle) : IProgress<Message>
    {
        public void Report(Message value) => handle(value);
    }
}
