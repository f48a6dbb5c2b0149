using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Hosting;

namespace ClaudeBottle.Integration.Tests.EndToEnd;

/// <summary>
/// <c>--attach</c> with the real Claude, in a real terminal: the app host process runs as a person starts it, the
/// terminal becomes Claude's session, a typed turn is answered, <c>/exit</c> ends Claude and the app host with it,
/// and meanwhile Claude's own telemetry is in the app host's dashboard under the agent's name.
/// </summary>
public sealed class RealClaudeAttachTests
{
    private const string Answer = "Hello from the stand-in API, inside the bottle.";

    [SkippableFact]
    public async Task Attached_a_typed_turn_is_answered_exit_ends_the_app_host_and_claudes_telemetry_is_in_the_dashboard()
    {
        await TestEngine.RequireAsync();
        var manifest = AppHostRun.WriteManifest("""{ "agents": { "chat": {} } }""");
        await using var scope = new TestScope();
        await using var api = await ApiStandIn.StartAsync(scope, Api.Script(Api.Say(Answer, match: "hello bottle")));
        var stateRoot = Directory.CreateTempSubdirectory("claude-bottle-state-").FullName;
        api.Follow(stateRoot);

        var command = await AppHostProcess.CommandAsync(manifest, stateRoot,
            [.. await RealClaude.ArgumentsAsync(), "--ClaudeBottle:Telemetry:Enabled=true", "--agent", "chat", "--attach"]);
        await using (var terminal = await TmuxTerminal.StartAsync(command, manifest))
        {
            // Claude's own prompt, ready for input: no onboarding, no trust question in the way.
            await terminal.WaitForScreenAsync("bypass permissions on");
            terminal.Output.Should().Contain("Attached to Claude in bottle 'chat'");
            await terminal.EnterAsync("hello bottle");
            await terminal.WaitForScreenAsync(Answer);

            // Claude's telemetry of that turn, relayed from the bottle's sink, is in the dashboard under the agent.
            using var dashboard = await DashboardApi.LoginAsync(terminal.Output);
            await AppHostCrashTests.WaitUntilAsync(async () => (await dashboard.LogsAsync("chat-agent")).Contains("claude_code.api_request", StringComparison.Ordinal),
                "the dashboard holds Claude's api_request event under chat-agent");

            await terminal.EnterAsync("/exit");
            await terminal.WaitForExitAsync();
            terminal.ExitCode.Should().Be(0, "the app host exits with Claude's exit code; it printed:\n{0}", terminal.Output);
            terminal.Output.Should().Contain("Claude in bottle 'chat' exited with code 0; the bottle is removed.");
        }

        var messages = await api.MessagesAsync();
        messages.Should().Contain(m => m["body"]!.ToJsonString().Contains("hello bottle"), "the typed turn went to the API");
        messages.Should().OnlyContain(m => (string?)m["authorization"] == $"Bearer {AppHostRun.Token}");
        (await AppHostRun.ObjectsAsync(stateRoot)).Should().BeEmpty("the bottle is removed when Claude exits");
    }
}
