using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Telemetry;

namespace ClaudeBottle.Integration.Tests.Hosting;

/// <summary>Two app hosts on one machine, started as a user starts them: each has its own dashboard and telemetry.</summary>
public sealed class TwoAppHostsTests
{
    [SkippableFact]
    public async Task Two_app_hosts_started_together_have_their_own_dashboards_and_telemetry()
    {
        await TestEngine.RequireAsync();
        var agentImage = await TestImages.TelemetryClaudeAsync(TelemetryTests.ClaudeLogs(), TelemetryTests.ClaudeMetrics());
        await TestImages.SinkAsync();
        var profile = LaunchProfile();
        var runs = new[] { "alpha", "beta" }.Select(agent => (Agent: agent,
            Manifest: AppHostRun.WriteManifest($$"""{ "agents": { "{{agent}}": { "prompt": "say hello" } } }"""),
            State: Directory.CreateTempSubdirectory("claude-bottle-state-").FullName)).ToArray();

        var hosts = await Task.WhenAll(runs.Select(r => AppHostProcess.StartAsync(r.Manifest, r.State, false, profile,
            $"--ClaudeBottle:AgentImage={agentImage}", "--ClaudeBottle:Telemetry:Enabled=true")));
        try
        {
            foreach (var host in hosts)
                await host.WaitForOutputAsync("/login?t=");
            using var alpha = await DashboardApi.LoginAsync(hosts[0].Text);
            using var beta = await DashboardApi.LoginAsync(hosts[1].Text);
            alpha.Address.Should().NotBe(beta.Address, "each app host reports a dashboard of its own");

            foreach (var (dashboard, own) in new[] { (alpha, "alpha"), (beta, "beta") })
                await AppHostCrashTests.WaitUntilAsync(async () => (await dashboard.LogsAsync($"{own}-agent")).Contains(TelemetryTests.ClaudeEvent, StringComparison.Ordinal),
                    $"the {own} dashboard lists Claude's record of its own bottle; the app hosts printed:\n{hosts[0].Text}\n{hosts[1].Text}");
            // Telemetry the other run's Claude sent by now would have arrived as well.
            foreach (var (dashboard, own, other) in new[] { (alpha, "alpha", "beta"), (beta, "beta", "alpha") })
            {
                (await dashboard.LogsAsync($"{other}-agent")).Should().NotContain(TelemetryTests.ClaudeEvent, "the {0} dashboard has nothing of {1}", own, other);
                var resources = await dashboard.ResourcesAsync();
                JsonDocument.Parse(resources).RootElement.ValueKind.Should().Be(JsonValueKind.Array, "the dashboard lists its telemetry resources: {0}", resources);
                resources.Should().Contain($"{own}-agent").And.NotContain(other, "the {0} dashboard holds only its own run's telemetry", own);
            }
        }
        finally
        {
            foreach (var host in hosts)
            {
                using (var term = Process.Start("kill", ["-TERM", host.Process.Id.ToString(CultureInfo.InvariantCulture)]))
                    await term.WaitForExitAsync();
                using var exit = new CancellationTokenSource(AppHostRun.Timeout);
                await host.Process.WaitForExitAsync(exit.Token);
                await host.DisposeAsync();
            }
        }
        foreach (var run in runs)
            (await AppHostRun.ObjectsAsync(run.State)).Should().BeEmpty();
    }

    /// <summary>The environment <c>dotnet run</c> gives the app host from its launch profile, the address included.</summary>
    private static Dictionary<string, string> LaunchProfile()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Join(directory.FullName, "ClaudeBottle.slnx")))
            directory = directory.Parent;
        var file = Path.Join(directory!.FullName, "ClaudeBottle.AppHost", "Properties", "launchSettings.json");
        var profile = JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("profiles").GetProperty("http");
        var environment = profile.GetProperty("environmentVariables").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        if (profile.TryGetProperty("applicationUrl", out var url))
            environment["ASPNETCORE_URLS"] = url.GetString()!;
        return environment;
    }
}
