using System.Diagnostics;

namespace ClaudeBottle.Bench;

/// <summary>The same bottles made with plain docker commands (bench/baseline.sh), all in parallel.</summary>
internal static class Baseline
{
    /// <param name="edge">The edge's image, configuration and secrets file: the bottle as it is now; null: as it was before the edge.</param>
    public static async Task<Sample> RunAsync(int bottles, string proxyImage, string agentImage, string pipelockConfig,
        (string Image, string Config, string Secrets)? edge = null)
    {
        var prefix = $"cbbench{Guid.NewGuid().ToString("N")[..8]}";
        var label = $"claude-bottle.bench={prefix}";
        var up = Stopwatch.StartNew();
        await ScriptAsync(["up", bottles.ToString(System.Globalization.CultureInfo.InvariantCulture), prefix, proxyImage, agentImage, pipelockConfig,
            .. edge is { } e ? new[] { e.Image, e.Config, e.Secrets } : []]);
        up.Stop();
        var containers = await Engine.ContainersAsync(label);
        var memory = 0L;
        foreach (var container in containers)
            memory += await Engine.MemoryAsync(container.ID);

        var down = Stopwatch.StartNew();
        await ScriptAsync("down", bottles.ToString(System.Globalization.CultureInfo.InvariantCulture), prefix);
        down.Stop();
        if ((await Engine.ContainersAsync(label)).Count + await Engine.NetworksAsync(label) != 0)
            throw new InvalidOperationException("the baseline left objects behind");
        return new Sample(edge is null ? "docker" : "docker+edge", bottles, up.Elapsed, down.Elapsed, memory / bottles);
    }

    private static async Task ScriptAsync(params string[] args)
    {
        var start = new ProcessStartInfo("bash", [Path.Join(AppContext.BaseDirectory, "baseline.sh"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"baseline.sh {args[0]} failed: {await stderr}");
    }
}
