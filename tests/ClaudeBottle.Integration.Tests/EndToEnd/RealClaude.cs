using System.Text.Json.Nodes;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ClaudeBottle.Integration.Tests.EndToEnd;

/// <summary>
/// An app host run of the real Claude Code in the real standard image, against the stand-in API: the image is the one
/// the product builds (once per test run), and it trusts the tests' CA through the product's extra-CA setting.
/// </summary>
internal static class RealClaude
{
    /// <summary>The arguments that give an app host the real image and the tests' CA.</summary>
    public static async Task<string[]> ArgumentsAsync() =>
    [
        $"--ClaudeBottle:AgentImage={await TestImages.StandardAgentAsync()}",
        $"--ClaudeBottle:ExtraCaCertificates={TestCertificates.Current.CaFile}",
    ];

    /// <summary>Starts the stand-in with <paramref name="script"/>, then an in-process app host on <paramref name="manifest"/>.</summary>
    public static async Task<(AppHostRun Run, ApiStandIn Api)> StartAsync(TestScope scope, string manifest, JsonObject script, params string[] args)
    {
        var api = await ApiStandIn.StartAsync(scope, script);
        var stateRoot = Directory.CreateTempSubdirectory("claude-bottle-state-").FullName;
        api.Follow(stateRoot);
        try
        {
            return (await AppHostRun.StartAsync(manifest, stateRoot, [.. await ArgumentsAsync(), .. args]), api);
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until <paramref name="agent"/> has ended (or failed to start): its exit code, and its whole console.</summary>
    public static async Task<(int? ExitCode, string Console)> EndAsync(AppHostRun run, string agent)
    {
        var ended = await run.WaitAsync(agent, KnownResourceStates.Exited, KnownResourceStates.Finished, KnownResourceStates.FailedToStart);
        return (ended.Snapshot.ExitCode, await ConsoleAsync(run, agent));
    }

    /// <summary>Everything in <paramref name="resource"/>'s dashboard console so far.</summary>
    public static async Task<string> ConsoleAsync(AppHostRun run, string resource)
    {
        var loggers = run.App.Services.GetRequiredService<ResourceLoggerService>();
        var lines = new List<string>();
        await foreach (var batch in loggers.GetAllAsync(resource))
            lines.AddRange(batch.Select(l => l.Content));
        return string.Join("\n", lines);
    }

    /// <summary>A folder the agent (uid 1000) can write, as a user's own checkout would be for its owner.</summary>
    public static string Workspace(string manifestDirectory, string name)
    {
        var path = Path.Join(manifestDirectory, name);
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_111_111);
        return path;
    }
}
