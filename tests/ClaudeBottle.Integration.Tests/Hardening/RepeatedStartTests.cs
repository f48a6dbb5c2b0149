using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Hosting;
using Docker.DotNet.Models;

namespace ClaudeBottle.Integration.Tests.Hardening;

/// <summary>Tests that need the engine to themselves: they count what exists on it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExclusiveEngine
{
    public const string Name = "exclusive engine";
}

[Collection(ExclusiveEngine.Name)]
public sealed class RepeatedStartTests
{
    [SkippableFact]
    public async Task Ten_bottles_started_and_stopped_five_times_leave_no_container_network_volume_or_image()
    {
        await TestEngine.RequireAsync();
        var agentImage = await TestImages.AgentAsync();
        await TestImages.ProxyAsync();
        var agents = string.Join(", ", Enumerable.Range(1, 10).Select(i => $"\"agent-{i}\": {{}}"));
        var manifest = AppHostRun.WriteManifest($$"""{ "bottles": { "default": { "image": "{{agentImage}}" } }, "agents": { {{agents}} } }""");
        using var client = TestEngine.CreateClient();
        var before = await InventoryAsync(client);

        for (var round = 1; round <= 5; round++)
        {
            var run = await AppHostRun.StartAsync(manifest);
            await using (run)
            {
                foreach (var i in Enumerable.Range(1, 10))
                    await run.WaitAsync($"agent-{i}-agent", KnownResourceStates.Running);
                (await AppHostRun.ObjectsAsync(run.StateRoot)).Should().HaveCount(60, "round {0}: ten bottles of three containers (agent, edge, pipelock) and three networks", round);
            }
            (await AppHostRun.ObjectsAsync(run.StateRoot)).Should().BeEmpty("round {0} left nothing behind", round);
        }

        var after = await InventoryAsync(client);
        after.Containers.Should().BeEquivalentTo(before.Containers);
        after.Networks.Should().BeEquivalentTo(before.Networks);
        after.Volumes.Should().BeEquivalentTo(before.Volumes, "each agent's home volume goes with its container");
        after.Images.Should().BeEquivalentTo(before.Images, "no image or layer is left behind");
    }

    private static async Task<(List<string> Containers, List<string> Networks, List<string> Volumes, List<string> Images)> InventoryAsync(global::Docker.DotNet.DockerClient client)
    {
        var containers = (await client.Containers.ListContainersAsync(new ContainersListParameters { All = true })).Select(c => c.ID).ToList();
        var networks = (await client.Networks.ListNetworksAsync()).Select(n => n.ID).ToList();
        var volumes = ((await client.Volumes.ListAsync(CancellationToken.None)).Volumes ?? []).Select(v => v.Name).ToList();
        var images = (await client.Images.ListImagesAsync(new ImagesListParameters { All = true })).Select(i => i.ID).ToList();
        return (containers, networks, volumes, images);
    }
}
