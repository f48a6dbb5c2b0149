using System.Text.Json.Nodes;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Hosting;

namespace ClaudeBottle.Integration.Tests.EndToEnd;

/// <summary>A bottle whose own Dockerfile extends the standard image runs the real Claude, with what it added.</summary>
public sealed class RealClaudeOwnImageTests
{
    /// <summary>Where a command run by Claude's Bash finds the token, and what it finds (its prefix and a hash), without printing it.</summary>
    private const string TokenCheck = "echo \"token in bash env: [${CLAUDE_CODE_OAUTH_TOKEN:+yes}]\"; " +
        "for f in /proc/[0-9]*/environ; do v=$(tr '\\0' '\\n' < $f 2>/dev/null | sed -n 's/^CLAUDE_CODE_OAUTH_TOKEN=//p'); " +
        "[ -n \"$v\" ] && echo \"token in $f: ${v:0:13} sha256 $(printf %s \"$v\" | sha256sum | cut -c1-16)\"; done; true";

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
            Api.Use("Let me run it.", "Bash", new JsonObject { ["command"] = "team-tool; " + TokenCheck, ["description"] = "Run the team tool" }, match: "team tool").Slowly(TimeSpan.FromMilliseconds(150)),
            Api.Say("It has team-tool 1.2.3.", match: "tool_result"));

        await using var scope = new TestScope();
        var (run, api) = await RealClaude.StartAsync(scope, manifest, script);
        await using (api)
        await using (run)
        {
            var (agent, console) = await RealClaude.EndAsync(run, "builder-agent");
            agent.Should().Be(0, "its console:\n{0}", console);
            console.Should().Contain("tool result: team tool 1.2.3 says hello").And.Contain("done, ");
            // What docs/security.md says of the token with subprocess scrubbing off: Claude keeps it out of its Bash's
            // environment, but Bash can read it from the environment of processes of the same user (Claude's, init's).
            console.Should().Contain("token in bash env: []").And.MatchRegex(@"token in /proc/[0-9]+/environ").And.NotContain(AppHostRun.Token);
            // What it finds there is a placeholder of the token's shape, not the token: the edge adds the real one, which
            // the API received on every request (below).
            var realHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(AppHostRun.Token)))[..16];
            console.Should().MatchRegex(@"token in /proc/[0-9]+/environ: sk-ant-oat01- sha256 [0-9a-f]{16}").And.NotContain($"sha256 {realHash}");
            // The bottle's own image (built by the app host unless an earlier run left it), which the tool came from.
            AppHostRun.Property(run.Snapshot("builder"), "container.image").Should().StartWith("claude-bottle/custom:");
            (await api.MessagesAsync()).Should().HaveCount(2).And.OnlyContain(m => (string?)m["authorization"] == $"Bearer {AppHostRun.Token}");
        }
    }
}
