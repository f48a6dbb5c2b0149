using System.Diagnostics;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Tests.Planning;
using ClaudeBottle.Launcher.Tests.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClaudeBottle.Launcher.Tests.Workspace;

/// <summary>
/// What a clone's start finds wrong only then, with the host's real git on a real repository: said with the manifest's
/// file and JSON path, before anything is made on the engine.
/// </summary>
public sealed class WorkspaceCloneStartTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.WaitForExit();
        process.ExitCode.Should().Be(0, process.StandardError.ReadToEnd());
    }

    private (BottlePlan Plan, BottleInstance Instance) Plan(string workspace, bool commit)
    {
        var repo = Path.Join(_dir.Path, "repo");
        Directory.CreateDirectory(repo);
        Git(repo, "init", "-q", "-b", "main");
        if (commit)
            Git(repo, "-c", "user.name=u", "-c", "user.email=u@example.invalid", "commit", "-q", "--allow-empty", "-m", "first");
        var manifest = ManifestLoader.Parse($$"""{ "agents": { "a": { "workspace": {{workspace}} } } }""", "claude-bottle.json", _dir.Path);
        var plan = BottlePlan.Create(BottleResolver.Resolve(manifest, _ => null).Single(), BottlePlanTests.Settings);
        return (plan, new BottleInstance("a", Path.Join(_dir.Path, "state")));
    }

    [Fact]
    public async Task A_ref_that_names_no_branch_or_tag_fails_with_its_file_and_json_path_and_makes_nothing()
    {
        var (plan, instance) = Plan("""{ "path": "./repo", "ref": "nope" }""", commit: true);
        var engine = new FakeEngine();

        var start = () => new WorkspaceClones(engine, NullLogger.Instance).PrepareAsync(plan, instance, CancellationToken.None);

        (await start.Should().ThrowAsync<InvalidOperationException>())
            .WithMessage("claude-bottle.json: agents.a.workspace.ref: 'nope' names no branch or tag of *repo; name one*");
        engine.Volumes.Should().BeEmpty();
        engine.Containers.Should().BeEmpty();
        instance.Clone.Should().BeNull();
    }

    [Fact]
    public async Task A_repository_without_a_commit_fails_saying_so_and_makes_nothing()
    {
        var (plan, instance) = Plan("\"./repo\"", commit: false);
        var engine = new FakeEngine();

        var start = () => new WorkspaceClones(engine, NullLogger.Instance).PrepareAsync(plan, instance, CancellationToken.None);

        (await start.Should().ThrowAsync<InvalidOperationException>())
            .WithMessage("claude-bottle.json: agents.a.workspace: the repository *repo has no commit yet; commit once, or use \"mode\": \"mount\"");
        engine.Volumes.Should().BeEmpty();
        engine.Containers.Should().BeEmpty();
    }
}
