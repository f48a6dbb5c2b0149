using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Hosting;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Telemetry;
using ClaudeBottle.Launcher.Tests.Runtime;
using Microsoft.Extensions.DependencyInjection;
using LogLine = ClaudeBottle.Launcher.Runtime.LogLine;

namespace ClaudeBottle.Launcher.Tests.Hosting;

/// <summary>
/// What a hostile agent's output does to the dashboard, through the real followers, publisher and Aspire services
/// (the engine is the in-memory one): its proxy's thousands of refusals, its escape sequences, a workspace whose
/// name hides text.
/// </summary>
public sealed class HostileOutputTests : IAsyncLifetime
{
    private const string Hostile = "done\r\u001b[2K\u202eevil\u200b";
    private const string Escaped = @"done\u000d\u001b[2K\u202eevil\u200b";

    private readonly TempDirectory _dir = new();
    private DistributedApplication? _app;

    private static LogLine Refusal(string host) =>
        new($$"""{"level":"warn","event":"blocked","method":"CONNECT","target":"{{host}}:443","scanner":"allowlist","reason":"domain not in allowlist"}""", false);

    [Fact]
    public async Task Thousands_of_refusals_publish_a_bounded_summary_about_once_a_second_and_every_line_arrives_escaped()
    {
        var workspace = Directory.CreateDirectory(Path.Join(_dir.Path, $"ws{Hostile}")).Name;
        var engine = new FakeEngine
        {
            Images = { "proxy:1", "agent:1" },
            AgentsKeepRunning = true,
            Output =
            {
                ["proxy"] = [Refusal($"host{Hostile}.example"), .. Enumerable.Range(0, 8_000).Select(i => Refusal($"host-{i}.example"))],
                ["agent"] = [new LogLine(Hostile, false), new LogLine(new string('x', 100_000), true, CutBytes: 64 * 1024 * 1024)],
            },
        };
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            DisableDashboard = true,
            Args = [$"--ClaudeBottle:StateRoot={_dir.Path}", "--ClaudeBottle:AutoApprove=true",
                "--ClaudeBottle:Telemetry:Enabled=false", "--ClaudeBottle:AgentImage=agent:1", "--ClaudeBottle:Pipelock:Image=proxy:1"],
        });
        builder.Services.AddSingleton<IContainerEngine>(engine);
        var manifest = $$"""{ "agents": { "solo": { "prompt": "go", "workspace": "./{{workspace.Replace("\r", "\\r").Replace("\u001b", "\\u001b")}}" } } }""";
        builder.AddClaudeBottles(ManifestLoader.Parse(manifest, "claude-bottle.json", _dir.Path));
        _app = builder.Build();
        var notifications = _app.Services.GetRequiredService<ResourceNotificationService>();
        var bottle = _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<BottleResource>().Single();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var published = new List<string>();
        var watching = Task.Run(async () =>
        {
            await foreach (var e in notifications.WatchAsync(timeout.Token))
                if (e.Resource.Name == "solo" && e.Snapshot.Properties.FirstOrDefault(p => p.Name == BottleProperties.EgressBlocked)?.Value as string is { } blocked &&
                    (published.Count == 0 || published[^1] != blocked))
                {
                    lock (published)
                        published.Add(blocked);
                    if (blocked.Contains("others (7990)", StringComparison.Ordinal))
                        return;
                }
        }, timeout.Token);
        var clock = Stopwatch.StartNew();
        await _app.Services.GetRequiredService<BottleOrchestrator>().StartAsync(bottle, CancellationToken.None);
        await watching;
        clock.Stop();

        // Bounded and last: the ten most tried hosts and the others counted, whatever the agent tried.
        published[^1].Split(", ").Should().HaveCount(EgressSummary.MaxShown + 1).And.EndWith("others (7990)");
        published.Should().OnlyContain(p => p.Length < 1_000);
        // About once a second (the first at once): 8,001 decisions, not 8,001 publishes.
        published.Count.Should().BeLessThanOrEqualTo((int)clock.Elapsed.TotalSeconds + 2, "{0} publishes in {1}", published.Count, clock.Elapsed);

        // The agent's console: its line escaped, its cut line marked. The proxy's: a line that is no decision (raw
        // control characters are not JSON) shown escaped.
        var agent = await ConsoleAsync("solo-agent", 3 + 20);
        agent.Should().Contain(l => l.EndsWith($" {Escaped}", StringComparison.Ordinal)); // After the console's time stamp.
        agent.Should().NotContain(l => l.Contains('\r') || l.Contains('\u001b') || l.Contains('\u202e') || l.Contains('\u200b'));
        agent.Should().Contain(l => l.EndsWith($" [… {(64 * 1024 * 1024) + 100_000 - LogLineSplitter.DefaultMaxLineBytes} bytes cut]", StringComparison.Ordinal));
        var proxy = await ConsoleAsync("solo-proxy", 8_001);
        proxy.Should().Contain(l => l.Contains($"host{Escaped}.example:443", StringComparison.Ordinal));

        // The workspace's name, in the bottle's properties, shows all it holds.
        var mounts = notifications.TryGetCurrentState("solo", out var solo) ? solo!.Snapshot.Properties.Single(p => p.Name == BottleProperties.Mounts).Value as string : null;
        mounts.Should().Contain($"ws{Escaped} -> /workspace").And.NotContain("\r");
    }

    /// <summary>The console lines of <paramref name="resource"/>, once it holds at least <paramref name="count"/>.</summary>
    private async Task<List<string>> ConsoleAsync(string resource, int count)
    {
        var loggers = _app!.Services.GetRequiredService<ResourceLoggerService>();
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var batch in loggers.WatchAsync(resource).WithCancellation(timeout.Token))
        {
            lines.AddRange(batch.Select(l => l.Content));
            if (lines.Count >= count)
                break;
        }
        return lines;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
        _dir.Dispose();
    }
}
