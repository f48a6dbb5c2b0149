using System.Text.Json.Nodes;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Hosting;

namespace ClaudeBottle.Integration.Tests.EndToEnd;

/// <summary>A bottle whose own Dockerfile extends the standard image runs the real Claude, with what it added.</summary>
public sealed class RealClaudeOwnImageTests
{
    [SkippableFact]
    public async Task A_bottle_built_on_the_standard_image_runs_the_real_claude_with_its_own_tools()
    {
        await TestEngine.RequireAsync();
        var manifest = AppHostRun.WriteManifest("""
            { "bottles": { "tooled": { "build": { "context": "./image" } } },
              "agents": { "builder": { "bottle": "tooled", "prompt": "Which team tool does this image have?" } } }
            """);
        Directory.CreateDirectory(Path.Join(manifest, "image"));
        File.WriteAllText(Path.Join(manifest, "image", "Dockerfile"), """
            ARG CLAUDE_BOTTLE_AGENT_IMAGE
            FROM ${CLAUDE_BOTTLE_AGENT_IMAGE}
            USER root
            RUN printf '#!/bin/sh\necho "team tool 1.2.3 says hello"\n' > /usr/local/bin/team-tool && chmod 755 /usr/local/bin/team-tool
            USER claude
            """);
        // A slow stream too: every event of the first answer comes after a pause, as from a busy API.
        var script = Api.Script(
            Api.Use("Let me run it.", "Bash", new JsonObject { ["command"] = "team-tool", ["description"] = "Run the team tool" }, match: "team tool").Slowly(TimeSpan.FromMilliseconds(150)),
            Api.Say("It has team-tool 1.2.3.", match: "tool_result"));

        await using var scope = new TestScope();
        var (run, api) = await RealClaude.StartAsync(scope, manifest, script);
        await using (api)
        await using (run)
        {
            var agent = await run.WaitAsync("builder-agent", KnownResourceStates.Exited, KnownResourceStates.Finished, KnownResourceStates.FailedToStart);
            var console = await RealClaudeHeadlessTests.ConsoleAsync(run, "builder-agent");
            agent.Snapshot.ExitCode.Should().Be(0, "its console:\n{0}", console);
            console.Should().Contain("tool result: team tool 1.2.3 says hello").And.Contain("done, ");
            // The bottle's own image (built by the app host unless an earlier run left it), which the tool came from.
            AppHostRun.Property(run.Snapshot("builder"), "container.image").Should().StartWith("claude-bottle/custom:");
            (await api.MessagesAsync()).Should().HaveCount(2);
        }
    }
}
