using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Launcher.Cli;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClaudeBottle.Integration.Tests.Runtime;

/// <summary>An agent's kept <c>~/.claude</c> on the real engine: through a crash and the reaper, a resumed and a fresh start, and the command line.</summary>
public sealed class AgentStateVolumeTests
{
    [SkippableFact]
    public async Task The_state_outlives_a_dead_run_and_the_reaper_a_resumed_start_sees_it_a_fresh_one_does_not_and_remove_state_removes_it()
    {
        await TestEngine.RequireAsync();
        var (resolved, proxyImage, agentImage) = await Bottles.ResolveAsync($"keep-{Guid.NewGuid():N}"[..13]);
        var bottle = resolved.WithConversation(ConversationMode.Resume);
        var volume = bottle.State.Volume;
        var root = Directory.CreateTempSubdirectory("claude-bottle-runs-").FullName;
        using var engine = new DockerContainerEngine();
        using var client = TestEngine.CreateClient();
        var runner = new BottleRunner(engine, NullLogger.Instance);
        BottleInstance? live = null;
        try
        {
            // Run 1 writes into its ~/.claude, then dies without cleaning up.
            var dead = InstanceLease.Acquire(root);
            var first = await runner.StartAsync(Bottles.Plan(bottle, dead, proxyImage, agentImage), Bottles.StateDirectory(dead, bottle),
                new RecordingProgress(), CancellationToken.None);
            (await TestScope.ExecAsync(client, first.AgentId!, "echo run-1 > ~/.claude/history.jsonl && echo home > ~/elsewhere.txt")).ExitCode.Should().Be(0);
            dead.Abandon();
            using var current = InstanceLease.Acquire(root);
            var reaped = await new Reaper(engine, NullLogger.Instance).ReapAsync(current, CancellationToken.None);

            reaped.Removed.Where(o => o.Labels.GetValueOrDefault(BottleLabels.Instance) == dead.Id).Should().HaveCount(6, "the dead run's agent, edge, proxy and three networks");
            var kept = (await AgentStateVolumes.ListAsync(engine, CancellationToken.None)).Should().ContainSingle(v => v.Name == volume).Which;
            kept.Labels.Should().Contain(BottleLabels.Agent, bottle.Name).And.Contain(BottleLabels.Manifest, bottle.State.ManifestFile)
                .And.NotContainKey(BottleLabels.Instance);

            // Run 2 resumes: its ~/.claude holds run 1's file; nothing else of run 1's home is there.
            live = await runner.StartAsync(Bottles.Plan(bottle, current, proxyImage, agentImage), Bottles.StateDirectory(current, bottle),
                new RecordingProgress(), CancellationToken.None);
            var (_, seen) = await TestScope.ExecAsync(client, live.AgentId!, "cat ~/.claude/history.jsonl; ls ~/elsewhere.txt 2>&1; ls -ld ~/.claude/skills | cut -d' ' -f1,3");
            seen.Should().Contain("run-1").And.Contain("No such file", "only ~/.claude is kept").And.Contain("drwxr-xr-x claude");
            await runner.RemoveAsync(live, CancellationToken.None);
            live = null;

            // Run 3 starts fresh: the volume is emptied first, and filled from the image again.
            var fresh = bottle.WithConversation(ConversationMode.Fresh);
            live = await runner.StartAsync(Bottles.Plan(fresh, current, proxyImage, agentImage), Bottles.StateDirectory(current, fresh),
                new RecordingProgress(), CancellationToken.None);
            (await TestScope.ExecAsync(client, live.AgentId!, "ls -A ~/.claude")).Output.Trim().Should().Be("skills");
            await runner.RemoveAsync(live, CancellationToken.None);
            live = null;

            // --list-state shows it, --remove-state removes it.
            var (output, errors) = (new StringWriter(), new StringWriter());
            (await StateCommand.RunAsync(LaunchOptions.Parse(["--list-state"]), engine, output, errors, CancellationToken.None)).Should().Be(0);
            output.ToString().Should().Contain($"{bottle.Name}  {bottle.State.ManifestFile}  (volume {volume})");
            var removeArgs = new[] { "--manifest", bottle.State.ManifestFile, "--remove-state", bottle.Name };
            (await StateCommand.RunAsync(LaunchOptions.Parse(removeArgs), engine, output, errors, CancellationToken.None)).Should().Be(0, errors.ToString());
            (await engine.ListVolumesAsync($"{BottleLabels.Agent}={bottle.Name}", CancellationToken.None)).Should().BeEmpty();
        }
        finally
        {
            if (live is not null)
                await runner.RemoveAsync(live, CancellationToken.None);
            await engine.RemoveVolumeAsync(volume, CancellationToken.None);
        }
    }
}
