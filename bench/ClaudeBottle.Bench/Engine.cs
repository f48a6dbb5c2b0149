using Docker.DotNet;
using Docker.DotNet.Models;

namespace ClaudeBottle.Bench;

/// <summary>What the benchmark asks of the engine: which containers carry a label, their state and their memory.</summary>
internal static class Engine
{
    public static DockerClient Client { get; } = new DockerClientBuilder().Build();

    public static async Task<IList<ContainerListResponse>> ContainersAsync(string label) =>
        await Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [label] = true } },
        });

    public static async Task<int> NetworksAsync(string label) =>
        (await Client.Networks.ListNetworksAsync(new NetworksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [label] = true } },
        })).Count;

    /// <summary>A container's memory in use, without the page cache the kernel can drop (as <c>docker stats</c> shows it).</summary>
    public static async Task<long> MemoryAsync(string id)
    {
        ContainerStatsResponse? stats = null;
        await Client.Containers.GetContainerStatsAsync(id, new ContainerStatsParameters { Stream = false, OneShot = true },
            new Progress<ContainerStatsResponse>(s => stats = s), CancellationToken.None);
        for (var i = 0; i < 50 && stats is null; i++)
            await Task.Delay(20); // Progress<T> reports on the thread pool.
        if (stats?.MemoryStats is not { } memory)
            return 0;
        ulong cache = 0;
        if (memory.Stats is { } detail && !detail.TryGetValue("inactive_file", out cache))
            detail.TryGetValue("total_inactive_file", out cache);
        return (long)((memory.Usage ?? 0) - cache);
    }

    public static string? Label(this ContainerListResponse container, string key) =>
        container.Labels.TryGetValue(key, out var value) ? value : null;

    /// <summary>Polls until <paramref name="done"/> holds; the poll interval bounds the measurement's resolution.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> done, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out waiting until {what}");
            await Task.Delay(25);
        }
    }
}
