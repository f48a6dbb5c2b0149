using System.Text.Json.Nodes;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Hosting;
using ClaudeBottle.Integration.Tests.Telemetry;

namespace ClaudeBottle.Integration.Tests.EndToEnd;

/// <summary>
/// The real Claude Code binary in the real standard image, run headless by the app host, talking to a stand-in of its
/// API through the bottle's proxy: its tools change files in a mounted workspace, it finds the manifest's skill, and
/// the dashboard console shows the run as a person reads it.
/// </summary>
public sealed class RealClaudeHeadlessTests
{
    private const string Haiku = "Glass walls all around\nthe proxy guards the one door\nwork flows out as code";
    private const string SkillMarker = "end every haiku with a line about glass";

    [SkippableFact]
    public async Task Claude_runs_its_tools_in_the_workspace_with_the_manifests_skill_and_the_console_tells_the_story()
    {
        await TestEngine.RequireAsync();
        var manifest = AppHostRun.WriteManifest("""
            { "bottles": { "default": { "egress": { "allowlist": [] } } },
              "agents": { "poet": {
                "prompt": "Write a haiku about working inside a bottle to /workspace/haiku.txt, then print it.",
                "workspace": "./work",
                "skills": ["skills/haiku-style"] } } }
            """);
        var work = RealClaude.Workspace(manifest, "work");
        Directory.CreateDirectory(Path.Join(manifest, "skills", "haiku-style"));
        File.WriteAllText(Path.Join(manifest, "skills", "haiku-style", "SKILL.md"), $"""
            ---
            name: haiku-style
            description: The house style for haiku written in a bottle.
            ---
            When you write a haiku, {SkillMarker}.
            """);
        var script = Api.Script(
            Api.Use("Let me read the house style first.", "Skill", new JsonObject { ["skill"] = "haiku-style" }, match: "haiku"),
            Api.Use("I'll write the haiku.", "Write", new JsonObject { ["file_path"] = "/workspace/haiku.txt", ["content"] = Haiku + "\n" }, match: "tool_result"),
            Api.Use("Now I'll print it.", "Bash", new JsonObject { ["command"] = "cat /workspace/haiku.txt && echo printed-by-bash > /workspace/printed.txt", ["description"] = "Print the haiku" }, match: "tool_result"),
            Api.Say("The haiku is in /workspace/haiku.txt.", match: "tool_result"));

        await using var scope = new TestScope();
        using var receiver = new OtlpReceiver();
        var (run, api) = await RealClaude.StartAsync(scope, manifest, script, "--ClaudeBottle:Telemetry:Enabled=true",
            $"--OTEL_EXPORTER_OTLP_ENDPOINT={receiver.Url}", "--OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf");
        await using (api)
        await using (run)
        {
            var (agent, console) = await RealClaude.EndAsync(run, "poet-agent");
            agent.Should().Be(0, "Claude's run succeeds; its console:\n{0}", console);

            // The dashboard console, rendered: what Claude said, the tools it called, their results, and the outcome.
            console.Should().Contain("session started (model ").And.Contain("permission mode bypassPermissions");
            console.Should().MatchRegex(@"skills: [^\n]*haiku-style", "the manifest's skill is among those Claude reports");
            console.Should().Contain("assistant: Let me read the house style first.").And.Contain("tool: Skill {\"skill\":\"haiku-style\"}");
            console.Should().Contain("tool: Write {\"file_path\":\"/workspace/haiku.txt\"");
            console.Should().Contain("tool: Bash {\"command\":\"cat /workspace/haiku.txt");
            console.Should().Contain("tool result: Glass walls all around the proxy guards the one door work flows out as code");
            console.Should().Contain("assistant: The haiku is in /workspace/haiku.txt.");
            console.Should().MatchRegex(@"done, [0-9]+ turns, \$[0-9.]+, [0-9.]+ s: The haiku is in /workspace/haiku.txt\.");

            // The files are on the host, made by Claude's Write and Bash tools.
            File.ReadAllText(Path.Join(work, "haiku.txt")).Should().Be(Haiku + "\n");
            File.ReadAllText(Path.Join(work, "printed.txt")).Should().Be("printed-by-bash\n");

            // What the API saw: Claude logged in with the launching user's token, through the proxy, by the real host
            // name over TLS; after invoking the skill it sent the skill's text.
            var messages = await api.MessagesAsync();
            messages.Should().HaveCount(4);
            messages.Should().OnlyContain(m => (string?)m["authorization"] == $"Bearer {AppHostRun.Token}" && (string?)m["host"] == "api.anthropic.com");
            // The agent holds a placeholder; the edge put the token in. Every request Claude made with a bearer was to
            // api.anthropic.com, the default credential's host, and carried the real token: none went out with the
            // placeholder to another of Claude's hosts.
            (await api.RequestsAsync()).Where(r => r["authorization"] is not null)
                .Should().NotBeEmpty().And.OnlyContain(r => (string?)r["host"] == "api.anthropic.com" && (string?)r["authorization"] == $"Bearer {AppHostRun.Token}");
            messages[1]["body"]!.ToJsonString().Should().Contain(SkillMarker, "the skill's SKILL.md is read when Claude invokes it");
            messages[0]["body"]!.ToJsonString().Should().Contain("haiku-style");
            (await RealClaude.ConsoleAsync(run, "poet-proxy")).Should().Contain("api.anthropic.com");

            // Claude's own telemetry, relayed from the bottle's sink under the agent's name: a span per API request
            // (Claude 2.1.332 starts a trace of its own for each, whatever TRACEPARENT says) and its events.
            await receiver.WaitAsync(r => r.Spans.Count(s => s.Name == "claude_code.llm_request" && s.Resource.GetValueOrDefault("service.name") == "poet-agent") == 4,
                "Claude's four llm_request spans");
            receiver.Spans.Where(s => s.Name == "claude_code.llm_request").Should().OnlyContain(s => s.Resource.GetValueOrDefault("bottle.name") == "poet");
            await receiver.WaitAsync(r => r.Logs.Any(l => l.Body == "claude_code.api_request" && l.Resource.GetValueOrDefault("service.name") == "poet-agent"),
                "Claude's api_request event");

            (await run.WaitAsync("poet", KnownResourceStates.Exited, KnownResourceStates.Finished)).Snapshot.ExitCode.Should().Be(0);
            (await AppHostRun.ObjectsAsync(run.StateRoot)).Should().BeEmpty("the bottle is removed when Claude ends");
        }
    }

    /// <summary>The manifest this repository ships, run as a new user's first <c>dotnet run</c> would run it.</summary>
    [SkippableFact]
    public async Task The_shipped_manifest_runs_the_real_claude_to_a_successful_end()
    {
        await TestEngine.RequireAsync();
        var directory = Directory.CreateTempSubdirectory("claude-bottle-shipped-").FullName;
        File.Copy(Path.Join(TestImages.RepositoryRoot, "claude-bottle.json"), Path.Join(directory, "claude-bottle.json"));
        var script = Api.Script(
            Api.Use("Writing the haiku.", "Write", new JsonObject { ["file_path"] = "/tmp/haiku.txt", ["content"] = Haiku + "\n" }, match: "haiku"),
            Api.Use("Printing it.", "Bash", new JsonObject { ["command"] = "cat /tmp/haiku.txt", ["description"] = "Print the haiku" }, match: "tool_result"),
            Api.Say("Done.", match: "tool_result"));

        await using var scope = new TestScope();
        var (run, api) = await RealClaude.StartAsync(scope, directory, script);
        await using (api)
        await using (run)
        {
            var (agent, console) = await RealClaude.EndAsync(run, "hello-agent");
            agent.Should().Be(0, "its console:\n{0}", console);
            console.Should().Contain("tool result: Glass walls all around").And.Contain("done, ");
            (await api.MessagesAsync()).Should().HaveCount(3).And.OnlyContain(m => (string?)m["authorization"] == $"Bearer {AppHostRun.Token}");
        }
    }
}
