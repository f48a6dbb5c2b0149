using System.Text.Json.Nodes;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Hosting;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;
using Docker.DotNet.Models;

namespace ClaudeBottle.Integration.Tests.EndToEnd;

/// <summary>
/// The real Claude Code continuing its own conversation: an agent that resumes keeps its <c>~/.claude</c> in a
/// volume between app host runs, the next run's Claude sends the API the last run's conversation, and a fresh run
/// neither sees nor sends it.
/// </summary>
public sealed class RealClaudeResumeTests
{
    [SkippableFact]
    public async Task A_second_run_continues_the_first_runs_conversation_and_a_fresh_run_does_not_see_it()
    {
        await TestEngine.RequireAsync();
        var word = $"pelican-{Guid.NewGuid():N}"[..20];
        var manifest = AppHostRun.WriteManifest("""
            { "bottles": { "default": { "egress": { "allowlist": [] } } },
              "agents": { "keeper": { "prompt": "Remember the word you are told, then carry on.", "workspace": "./work", "resume": true,
                            "skills": ["skills/word-keeper"] } } }
            """);
        // A skill's read-only mount lands inside the kept ~/.claude as it does in the home's own.
        Directory.CreateDirectory(Path.Join(manifest, "skills", "word-keeper"));
        File.WriteAllText(Path.Join(manifest, "skills", "word-keeper", "SKILL.md"), "---\nname: word-keeper\ndescription: Keeps words.\n---\nKeep words.\n");
        var work = RealClaude.Workspace(manifest, "work");
        var manifestFile = HostFile.Resolve(Path.Join(manifest, "claude-bottle.json"), out _)!;
        var volume = AgentState.For(manifestFile, "keeper", ConversationMode.Resume).Volume;
        await using var scope = new TestScope();
        try
        {
            // Run 1: Claude is told the word and says it back.
            var first = await RunAsync(manifest, Api.Script(Api.Say($"I will remember the word {word}.")));
            first.Should().NotContain(word, "the first run has nothing to continue");
            var kept = await InVolumeAsync(scope, volume, "ls /state/projects/-workspace/");
            // Claude's conversation files (one per session; it also makes a memory folder each run).
            var sessions = kept.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(f => f.EndsWith(".jsonl", StringComparison.Ordinal)).ToList();
            sessions.Should().NotBeEmpty("Claude wrote its conversation into the kept volume: {0}", kept);
            var labels = (await scope.Client.Volumes.InspectAsync(volume)).Labels;
            labels.Should().Contain(BottleLabels.Role, BottleLabels.StateRole).And.Contain(BottleLabels.Agent, "keeper")
                .And.Contain(BottleLabels.Manifest, manifestFile).And.NotContainKey(BottleLabels.Instance);

            // Run 2, resuming: Claude sends run 1's conversation, and its Bash sees run 1's files.
            var second = await RunAsync(manifest, LookScript("seen-2.txt"));
            second.Should().Contain($"I will remember the word {word}.", "Claude continued its own conversation: run 1's answer is in run 2's request");
            File.ReadAllText(Path.Join(work, "seen-2.txt")).Should().Contain(sessions[0]);
            second.Should().Contain("word-keeper", "the manifest's skill is still found under the kept ~/.claude/skills");

            // Run 3, fresh: the volume is emptied first; Claude neither sends nor sees run 1's conversation.
            var third = await RunAsync(manifest, LookScript("seen-3.txt"), "--fresh");
            third.Should().NotContain(word);
            var seen = File.ReadAllText(Path.Join(work, "seen-3.txt"));
            seen.Should().Contain(".jsonl", "the fresh run's own conversation is kept");
            foreach (var session in sessions)
                seen.Should().NotContain(session);

            // What the volume holds after all three: Claude's state, never the token (the agent holds a placeholder,
            // and the real one reaches the edge alone).
            var contents = await InVolumeAsync(scope, volume, "cd /state && find . -type f | sort; echo ---; grep -rl 'sk-ant-' . || echo no-token-shaped-value");
            contents.Should().NotContain(AppHostRun.Token);
            contents.Should().NotContain(".credentials.json", "Claude does not write the token it is given in its environment to a credentials file");
            contents.Should().Contain("no-token-shaped-value", "no file of the kept state holds a token, real or placeholder:\n{0}", contents);
        }
        finally
        {
            try { await scope.Client.Volumes.RemoveAsync(volume, force: true); } catch (global::Docker.DotNet.DockerApiException) { }
        }
    }

    /// <summary>Claude's Bash lists what it finds of its kept conversations into <paramref name="file"/> of the workspace.</summary>
    private static JsonObject LookScript(string file) => Api.Script(
        Api.Use("Looking at my kept conversations.", "Bash", new JsonObject
        {
            ["command"] = $"ls /home/claude/.claude/projects/-workspace/ > /workspace/{file} 2>&1; true", ["description"] = "List kept conversations",
        }),
        Api.Say("Done.", match: "tool_result"));

    /// <summary>One app host run of the manifest to the agent's end; the body of the first request Claude sent the API.</summary>
    private static async Task<string> RunAsync(string manifest, JsonObject script, params string[] args)
    {
        // A scope each: the stand-in API's container is named after its scope.
        await using var scope = new TestScope();
        var (run, api) = await RealClaude.StartAsync(scope, manifest, script, args);
        await using (api)
        await using (run)
        {
            var (exit, console) = await RealClaude.EndAsync(run, "keeper-agent");
            exit.Should().Be(0, "Claude's run succeeds; its console:\n{0}\nthe bottle's:\n{1}", console, await RealClaude.ConsoleAsync(run, "keeper"));
            var messages = await api.MessagesAsync();
            messages.Should().NotBeEmpty();
            return messages[0]["body"]!.ToJsonString();
        }
    }

    /// <summary>Runs <paramref name="script"/> in a throwaway container of the tests' base image with the volume at /state, read-only.</summary>
    private static async Task<string> InVolumeAsync(TestScope scope, string volume, string script)
    {
        var id = await scope.StartAsync($"look-{Guid.NewGuid():N}"[..16], "none", script, hostConfig: new HostConfig
        {
            Mounts = [new Mount { Type = "volume", Source = volume, Target = "/state", ReadOnly = true }],
        });
        await scope.Client.Containers.WaitContainerAsync(id);
        var output = await scope.LogsAsync(id);
        // Gone at once: a volume a container mounts, even a stopped one, cannot be emptied.
        await scope.Client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true });
        return output;
    }
}
