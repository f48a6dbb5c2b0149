using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using Microsoft.Extensions.DependencyInjection;
using ClaudeBottle.Launcher.Runtime;

namespace ClaudeBottle.Integration.Tests.Hosting;

/// <summary>
/// The headless wiring end to end, with a fake <c>claude</c>: arguments, the token under the name Claude reads (and
/// nowhere else), the stream rendered in the console, the exit code as the resource's final state.
/// </summary>
public sealed class HeadlessAgentTests
{
    [SkippableFact]
    public async Task A_headless_agent_gets_its_prompt_and_token_and_its_exit_code_becomes_its_state()
    {
        await TestEngine.RequireAsync();
        var image = await TestImages.FakeClaudeAsync();
        var token = AppHostRun.Token;
        var manifest = AppHostRun.WriteManifest($$"""
            { "bottles": { "default": { "image": "{{image}}" } },
              "agents": { "headless": { "prompt": "please fail", "permissionMode": "acceptEdits" } } }
            """);

        await using (var run = await AppHostRun.StartAsync(manifest))
        {
            (await run.WaitForLogAsync("headless-agent", "fake-claude token:")).Should().EndWith($"present, {token.Length} characters");

            // While it runs: the agent holds a placeholder of the token's shape, and no container of the run holds the
            // token itself in what the engine records of it (environment, command line, labels); the edge got it on stdin.
            var id = AppHostRun.Property(run.Snapshot("headless-agent"), "container.id")!;
            using (var client = TestEngine.CreateClient())
            {
                var inspect = await client.Containers.InspectContainerAsync(id);
                inspect.Path.Should().Be("claude");
                inspect.Args.Should().Equal("-p", "--output-format", "stream-json", "--verbose", "--permission-mode", "acceptEdits", "--", "please fail");
                var placeholder = inspect.Config!.Env.Single(e => e.StartsWith("CLAUDE_CODE_OAUTH_TOKEN=", StringComparison.Ordinal))["CLAUDE_CODE_OAUTH_TOKEN=".Length..];
                placeholder.Should().StartWith("sk-ant-oat01-").And.HaveLength(token.Length).And.NotBe(token);
                foreach (var container in await AppHostRun.ObjectsAsync(run.StateRoot))
                {
                    if (container.Kind != LabelledKind.Container)
                        continue;
                    var recorded = await client.Containers.InspectContainerAsync(container.Id);
                    string.Join("\n", [recorded.Path, .. recorded.Args, .. recorded.Config!.Env ?? [], .. recorded.Config.Cmd ?? [], .. recorded.Config.Entrypoint ?? [],
                        .. (recorded.Config.Labels ?? new Dictionary<string, string>()).Values]).Should().NotContain(token, "container {0} is recorded without it", recorded.Name);
                }
            }

            foreach (var arg in new[] { "-p", "please fail", "stream-json", "--verbose", "acceptEdits" })
                await run.WaitForLogAsync("headless-agent", $"fake-claude arg: {arg}");
            (await run.WaitForLogAsync("headless-agent", "fake-claude scrub:")).Should().EndWith("0");
            (await run.WaitForLogAsync("headless-agent", "fake-claude user:")).Should().EndWith("claude uid=1000");
            (await run.WaitForLogAsync("headless-agent", "fake-claude proxy:")).Should().EndWith("http://edge:8080");

            // The stream, as a person reads it.
            await run.WaitForLogAsync("headless-agent", "session started (model fake-model");
            await run.WaitForLogAsync("headless-agent", "assistant: hello from fake claude");
            await run.WaitForLogAsync("headless-agent", """tool: Bash {"command":"echo hi"}""");
            await run.WaitForLogAsync("headless-agent", "tool result: hi");
            await run.WaitForLogAsync("headless-agent", "failed (error_during_execution), 2 turns, $0.0042");

            var agent = await run.WaitAsync("headless-agent", KnownResourceStates.Exited);
            agent.Snapshot.ExitCode.Should().Be(4);
            (await run.WaitAsync("headless", KnownResourceStates.Exited)).Snapshot.ExitCode.Should().Be(4);
            (await AppHostRun.ObjectsAsync(run.StateRoot)).Should().BeEmpty();

            // The token's value is in no console and no property of any of the bottle's resources.
            var loggers = run.App.Services.GetRequiredService<ResourceLoggerService>();
            foreach (var resource in new[] { "headless", "headless-agent", "headless-proxy" })
            {
                await foreach (var batch in loggers.GetAllAsync(resource))
                    foreach (var line in batch)
                        line.Content.Should().NotContain(token);
                run.Snapshot(resource).Properties.Should().NotContain(p => (p.Value ?? "").ToString()!.Contains(token));
            }
        }
    }
}
