using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClaudeBottle.Integration.Tests.Runtime;

/// <summary>Labels are anyone's to write who can reach the engine: containers that lie must not steer the reaper.</summary>
public sealed class ReaperForgeryTests
{
    [SkippableFact]
    public async Task Forged_lease_labels_neither_delete_a_folder_they_name_nor_remove_a_live_runs_bottle()
    {
        await TestEngine.RequireAsync();
        var (bottle, proxyImage, agentImage) = await Bottles.ResolveAsync("forged");
        var root = Directory.CreateTempSubdirectory("claude-bottle-runs-").FullName;
        var victim = Directory.CreateTempSubdirectory("claude-bottle-victim-").FullName;
        var precious = Directory.CreateDirectory(Path.Join(victim, "precious")).FullName;
        File.WriteAllText(Path.Join(precious, "keep.txt"), "mine");
        File.WriteAllText(precious + ".lock", ""); // a lock file nobody holds, as the forger's label says
        using var engine = new DockerContainerEngine();
        var runner = new BottleRunner(engine, NullLogger.Instance);
        using var live = InstanceLease.Acquire(root);
        var liveBottle = await runner.StartAsync(Bottles.Plan(bottle, live, proxyImage, agentImage), Bottles.StateDirectory(live, bottle),
            new RecordingProgress(), CancellationToken.None);
        var forged = new List<string>();
        try
        {
            // One names an unknown run, one claims the live run: both point their lease at the victim's folder.
            foreach (var instance in new[] { "0123456789ab", live.Id })
            {
                var labels = new Dictionary<string, string>(BottleLabels.For(instance, precious + ".lock", "forged", "agent")) { [TestEngine.TestLabel] = "true" };
                forged.Add(await engine.CreateContainerAsync(new ContainerSpec
                {
                    Name = $"claude-bottle-forged-{Guid.NewGuid():N}"[..40], Image = agentImage, Entrypoint = ["true"], Labels = labels, Network = "none",
                }, CancellationToken.None));
            }
            using var current = InstanceLease.Acquire(root);

            var result = await new Reaper(engine, NullLogger.Instance).ReapAsync(current, CancellationToken.None);

            File.ReadAllText(Path.Join(precious, "keep.txt")).Should().Be("mine", "a path in a label is never deleted");
            result.Removed.Should().NotContain(o => o.Labels[BottleLabels.Instance] == live.Id || o.Labels[BottleLabels.Instance] == "0123456789ab");
            (await engine.ListByLabelAsync($"{BottleLabels.Instance}={live.Id}", CancellationToken.None))
                .Should().HaveCount(7, "the live run's agent, edge, proxy and three networks, and the forged container claiming it, are all left");
            (await engine.InspectContainerAsync(liveBottle.AgentId!, CancellationToken.None))!.Running.Should().BeTrue();
            Directory.Exists(live.Directory).Should().BeTrue();
        }
        finally
        {
            foreach (var id in forged)
                await engine.RemoveContainerAsync(id, CancellationToken.None);
            await runner.RemoveAsync(liveBottle, CancellationToken.None);
        }
    }
}
