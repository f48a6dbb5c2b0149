using System.Text.Json.Nodes;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Integration.Tests.Docker;
using ClaudeBottle.Integration.Tests.Hosting;
using ClaudeBottle.Integration.Tests.Workspace;

namespace ClaudeBottle.Integration.Tests.EndToEnd;

/// <summary>
/// The real Claude Code in the real standard image, its workspace a git repository in clone mode: its Bash tool commits
/// in its own clone, and the commit and what it left uncommitted come back to the host's repository as its branch.
/// </summary>
public sealed class RealClaudeCloneTests
{
    [SkippableFact]
    public async Task Claudes_commit_and_uncommitted_file_come_back_as_its_branch_and_the_host_checkout_is_untouched()
    {
        await TestEngine.RequireAsync();
        var manifest = AppHostRun.WriteManifest("""
            { "bottles": { "default": { "egress": { "allowlist": [] } } },
              "agents": { "coder": { "prompt": "Add NOTES.md, commit it, and start TODO.md.", "workspace": "./repo" } } }
            """);
        var repository = HostRepository.Create(Path.Join(manifest, "repo"));
        var start = repository.Run("rev-parse", "HEAD");
        var before = repository.Fingerprint(withObjects: false);
        var script = Api.Script(
            Api.Use("I'll add the notes and commit them.", "Bash", new JsonObject
            {
                ["command"] = "cd /workspace && git rev-parse --abbrev-ref HEAD && echo 'notes by claude' > NOTES.md && git add NOTES.md && git commit -q -m 'Add notes' && echo 'todo by claude' > TODO.md && git status --short",
                ["description"] = "Commit the notes",
            }, match: "NOTES"),
            Api.Say("Done: NOTES.md is committed, TODO.md is started.", match: "tool_result"));

        await using var scope = new TestScope();
        var (run, api) = await RealClaude.StartAsync(scope, manifest, script);
        await using (api)
        await using (run)
        {
            var (agent, console) = await RealClaude.EndAsync(run, "coder-agent");
            agent.Should().Be(0, "Claude's run succeeds; its console:\n{0}", console);
            console.Should().MatchRegex(@"tool result: claude-bottle/coder/[0-9]{8}-[0-9]{6}-[0-9a-f]{4}");
            await run.WaitAsync("coder", KnownResourceStates.Exited, KnownResourceStates.Finished);

            var branch = AppHostRun.Property(run.Snapshot("coder-agent"), "clone.branch")!.Split(' ')[0];
            repository.Run("rev-list", "--count", $"{start}..{branch}").Should().Be("1");
            repository.Run("log", "-1", "--format=%s", branch).Should().Be("Add notes");
            repository.Run("show", $"{branch}:NOTES.md").Should().Be("notes by claude");
            repository.Run("show", $"{branch}-uncommitted:TODO.md").Should().Be("todo by claude");
            repository.Fingerprint(withObjects: false).Should().Be(before, "the host's checkout, index, HEAD and config are as they were");
            Directory.EnumerateFileSystemEntries(repository.Marks).Should().BeEmpty();
        }
    }
}
