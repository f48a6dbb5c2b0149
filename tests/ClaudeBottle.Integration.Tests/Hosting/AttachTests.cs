using ClaudeBottle.Integration.Tests.Docker;

namespace ClaudeBottle.Integration.Tests.Hosting;

/// <summary><c>--attach</c>: the app host's own terminal becomes the agent's Claude session.</summary>
public sealed class AttachTests
{
    [SkippableFact]
    public async Task Attached_the_terminal_talks_to_claude_and_the_app_host_exits_with_claudes_code()
    {
        await TestEngine.RequireAsync();
        var image = await TestImages.InteractiveClaudeAsync();
        var manifest = AppHostRun.WriteManifest($$"""{ "bottles": { "default": { "image": "{{image}}" } }, "agents": { "chat": {}, "other": {} } }""");
        var stateRoot = Directory.CreateTempSubdirectory("claude-bottle-state-").FullName;

        await using var host = await AppHostProcess.StartAsync(manifest, stateRoot, terminal: true, "--agent", "chat", "--attach");
        await host.WaitForOutputAsync("Attached to Claude in bottle 'chat'");
        await host.Process.StandardInput.WriteAsync("hello from the terminal\r");
        await host.Process.StandardInput.FlushAsync();

        using var exit = new CancellationTokenSource(AppHostRun.Timeout);
        await host.Process.WaitForExitAsync(exit.Token);

        host.Text.Should().Contain("got: hello from the terminal", "keystrokes reach Claude");
        host.Text.Should().Contain("exited with code 5");
        host.Process.ExitCode.Should().Be(5, "the app host exits with Claude's exit code; it printed:\n{0}", host.Text);
        (await AppHostRun.ObjectsAsync(stateRoot)).Should().BeEmpty("the bottle is removed when Claude exits");
    }

    [SkippableFact]
    public async Task Attach_refuses_a_headless_agent_or_more_than_one_agent()
    {
        await TestEngine.RequireAsync();
        var manifest = AppHostRun.WriteManifest("""{ "agents": { "batch": { "prompt": "do it" }, "chat": {} } }""");
        var stateRoot = Directory.CreateTempSubdirectory("claude-bottle-state-").FullName;

        await using (var headless = await AppHostProcess.StartAsync(manifest, stateRoot, terminal: true, "--agent", "batch", "--attach"))
        {
            await headless.Process.WaitForExitAsync();
            headless.Process.ExitCode.Should().Be(2);
            headless.Text.Should().Contain("'batch' has a prompt and runs headless");
        }
        await using (var two = await AppHostProcess.StartAsync(manifest, stateRoot, terminal: true, "--agent", "batch", "--agent", "chat", "--attach"))
        {
            await two.Process.WaitForExitAsync();
            two.Process.ExitCode.Should().Be(2);
            two.Text.Should().Contain("--attach needs exactly one --agent");
        }
    }
}
