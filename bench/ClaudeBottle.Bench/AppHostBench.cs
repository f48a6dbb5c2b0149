using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Bench;

/// <summary>
/// The app host as a user runs it (its own process, with its dashboard), on a manifest of N trivial agents, telemetry
/// off so that it makes the same containers as the baseline.
/// </summary>
internal static class AppHostBench
{
    /// <param name="prepare">Writes something besides the manifest into the manifest's directory (a build context).</param>
    public static async Task<Sample> RunAsync(int bottles, string proxyImage, string agentImage, string? manifestJson = null,
        Action<string>? prepare = null, string kind = "app host")
    {
        var directory = Directory.CreateTempSubdirectory("claude-bottle-bench-").FullName;
        var stateRoot = Path.Join(directory, "state");
        File.WriteAllText(Path.Join(directory, "claude-bottle.json"), manifestJson ??
            "{ \"agents\": { " + string.Join(", ", Enumerable.Range(1, bottles).Select(i => $"\"b{i}\": {{}}")) + " } }");
        prepare?.Invoke(directory);
        try
        {
            var label = $"{BottleLabels.Project}={BottleLabels.ProjectValue}";
            async Task<List<Docker.DotNet.Models.ContainerListResponse>> Ours() =>
                [.. (await Engine.ContainersAsync(label)).Where(c => c.Label(BottleLabels.Lease)?.StartsWith(stateRoot + "/", StringComparison.Ordinal) == true)];

            var clock = Stopwatch.StartNew();
            using var host = Start(directory, stateRoot, proxyImage, agentImage);
            TimeSpan? ready = null;
            host.OutputDataReceived += (_, e) =>
            {
                // Logged as the first bottle starts: the app host, Aspire and DCP are up.
                if (ready is null && e.Data?.Contains("Container engine", StringComparison.Ordinal) == true)
                    ready = clock.Elapsed;
            };
            host.BeginOutputReadLine();
            host.BeginErrorReadLine();
            await Engine.WaitUntilAsync(async () =>
                (await Ours()).Count(c => c.Label(BottleLabels.Role) == "agent" && c.State == "running") == bottles,
                $"{bottles} agents run", TimeSpan.FromMinutes(5));
            var up = clock.Elapsed;

            var memory = 0L;
            foreach (var container in await Ours())
                memory += await Engine.MemoryAsync(container.ID);
            var hostMemory = ProcessMemory.Resident(host.Id);
            var childrenMemory = ProcessMemory.AspireProcesses().Sum(ProcessMemory.Resident);

            var down = Stopwatch.StartNew();
            using (var kill = Process.Start("kill", ["-TERM", host.Id.ToString(CultureInfo.InvariantCulture)]))
                await kill.WaitForExitAsync();
            await Engine.WaitUntilAsync(async () => (await Ours()).Count == 0, "every bottle is removed", TimeSpan.FromMinutes(5));
            down.Stop();
            await host.WaitForExitAsync();
            return new Sample(kind, bottles, up, down.Elapsed, memory / bottles)
            {
                HostReady = ready,
                HostMemory = hostMemory,
                ChildrenMemory = childrenMemory,
            };
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Process Start(string directory, string stateRoot, string proxyImage, string agentImage)
    {
        var start = new ProcessStartInfo(Path.Join(AppContext.BaseDirectory, "ClaudeBottle.AppHost"),
        [
            "--manifest", Path.Join(directory, "claude-bottle.json"), "--yes",
            $"--ClaudeBottle:Pipelock:Image={proxyImage}", $"--ClaudeBottle:AgentImage={agentImage}",
            $"--ClaudeBottle:StateRoot={stateRoot}", "--ClaudeBottle:Telemetry:Enabled=false", $"--ClaudeBottle:ProbeImage={TestImages.ProbeTag}",
            $"--ClaudeBottle:EdgeImage={TestImages.EdgeTag}",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort()}";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        return Process.Start(start)!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
