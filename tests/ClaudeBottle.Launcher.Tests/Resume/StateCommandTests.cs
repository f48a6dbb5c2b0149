using ClaudeBottle.Launcher.Cli;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Tests.Runtime;

namespace ClaudeBottle.Launcher.Tests.Resume;

/// <summary><c>--resume</c>, <c>--fresh</c>, <c>--list-state</c> and <c>--remove-state</c>, with the in-memory engine.</summary>
public sealed class StateCommandTests
{
    private static async Task<(int Exit, string Output, string Errors)> RunAsync(FakeEngine engine, params string[] args)
    {
        var (output, errors) = (new StringWriter(), new StringWriter());
        var exit = await StateCommand.RunAsync(LaunchOptions.Parse(args), engine, output, errors, CancellationToken.None);
        return (exit, output.ToString(), errors.ToString());
    }

    private static Task KeepAsync(FakeEngine engine, string manifest, string agent)
    {
        var state = AgentState.For(manifest, agent, ConversationMode.Resume);
        return engine.CreateVolumeAsync(new VolumeSpec(state.Volume, BottleLabels.ForState(state, agent)), CancellationToken.None);
    }

    [Fact]
    public void Resume_and_fresh_reach_the_app_host_as_a_setting_and_contradict_each_other()
    {
        LaunchOptions.Parse(["--resume"]).ToAspireArguments().Should().Contain("--ClaudeBottle:Conversation=Resume");
        LaunchOptions.Parse(["--fresh"]).ToAspireArguments().Should().Contain("--ClaudeBottle:Conversation=Fresh");
        LaunchOptions.Parse([]).ToAspireArguments().Should().NotContain(a => a.Contains("Conversation"));
        Assert.Throws<ArgumentException>(() => LaunchOptions.Parse(["--resume", "--fresh"])).Message
            .Should().Contain("--resume and --fresh contradict each other");
        Assert.Throws<ArgumentException>(() => LaunchOptions.Parse(["--remove-state", "--yes"])).Message
            .Should().Contain("--remove-state needs an agent's name, not '--yes'");
    }

    [Fact]
    public void The_launch_ends_before_anything_starts_when_resume_and_fresh_are_both_given()
    {
        var (output, errors) = (new StringWriter(), new StringWriter());

        var decision = LaunchCommand.Prepare(["--resume", "--fresh"], output, errors, null, _ => null);

        decision.ExitCode.Should().Be(2);
        errors.ToString().Should().Contain("--resume and --fresh contradict each other").And.Contain("Run with --help");
    }

    [Fact]
    public async Task The_kept_conversations_are_listed_and_only_the_projects_volumes()
    {
        var engine = new FakeEngine();
        await KeepAsync(engine, "/srv/one/claude-bottle.json", "reviewer");
        await KeepAsync(engine, "/srv/two/claude-bottle.json", "reviewer");
        await engine.CreateVolumeAsync(new VolumeSpec("someone-else", new Dictionary<string, string> { [BottleLabels.Role] = BottleLabels.StateRole }), CancellationToken.None);

        var (exit, output, _) = await RunAsync(engine, "--list-state");

        exit.Should().Be(0);
        output.Should().Contain("reviewer  /srv/one/claude-bottle.json  (volume claude-bottle-state-")
            .And.Contain("reviewer  /srv/two/claude-bottle.json").And.NotContain("someone-else");
        (await RunAsync(new FakeEngine(), "--list-state")).Output.Should().StartWith("No agent's conversation is kept.");
    }

    [Fact]
    public async Task The_workspace_clones_are_listed_with_how_to_bring_back_their_work()
    {
        var engine = new FakeEngine();
        var labels = BottleLabels.ForClone("run1", "/state/run1.lock", "writer", "/srv/repo", "claude-bottle/writer/run1", "claude-bottle-agent:abc");
        await engine.CreateVolumeAsync(new VolumeSpec("claude-bottle-run1-writer-workspace-run1", labels), CancellationToken.None);
        await engine.CreateVolumeAsync(new VolumeSpec("forged", new Dictionary<string, string> { [BottleLabels.Role] = BottleLabels.CloneRole }), CancellationToken.None);

        var (exit, output, _) = await RunAsync(engine, "--list-state");

        exit.Should().Be(0);
        output.Should().Contain("No agent's conversation is kept.")
            .And.Contain("  writer  claude-bottle/writer/run1  /srv/repo  (volume claude-bottle-run1-writer-workspace-run1)")
            .And.Contain("docker run --rm --network none -v claude-bottle-run1-writer-workspace-run1:/workspace:ro --entrypoint git claude-bottle-agent:abc " +
                         "-C /workspace bundle create - --all > work.bundle; then, in /srv/repo: git fetch work.bundle '+HEAD:refs/heads/claude-bottle/writer/run1'")
            .And.NotContain("forged");
        (await RunAsync(new FakeEngine(), "--list-state")).Output.Should().NotContain("Workspace clones");
    }

    [Fact]
    public async Task Removing_takes_the_manifests_agent_alone_and_says_so()
    {
        using var dir = new TempDirectory();
        var manifest = dir.Write("claude-bottle.json", "{}");
        var engine = new FakeEngine();
        await KeepAsync(engine, manifest, "reviewer");
        await KeepAsync(engine, manifest, "writer");
        await KeepAsync(engine, "/srv/other/claude-bottle.json", "reviewer");

        var (exit, output, errors) = await RunAsync(engine, "--manifest", manifest, "--remove-state", "reviewer");

        exit.Should().Be(0, errors);
        output.Should().Be($"Removed the kept conversation of agent 'reviewer' of {manifest} (volume {AgentState.For(manifest, "reviewer", ConversationMode.None).Volume}).{Environment.NewLine}");
        engine.Volumes.Values.Select(v => (v.Spec.Labels[BottleLabels.Agent], v.Spec.Labels[BottleLabels.Manifest]))
            .Should().BeEquivalentTo([("writer", manifest), ("reviewer", "/srv/other/claude-bottle.json")]);
    }

    [Fact]
    public async Task Removing_what_is_not_kept_or_still_in_use_is_an_error_that_says_what_to_do()
    {
        using var dir = new TempDirectory();
        var manifest = dir.Write("claude-bottle.json", "{}");
        var engine = new FakeEngine();
        await KeepAsync(engine, manifest, "busy");
        var volume = AgentState.For(manifest, "busy", ConversationMode.None).Volume;
        await engine.CreateContainerAsync(new ContainerSpec
        {
            Name = "agent", Image = "x", Labels = new Dictionary<string, string>(), Network = "n", NamedVolumes = [new VolumeMount(volume, "/home/claude/.claude")],
        }, CancellationToken.None);

        var (exit, _, errors) = await RunAsync(engine, "--manifest", manifest, "--remove-state", "nobody", "--remove-state", "busy");

        exit.Should().Be(1);
        errors.Should().Contain($"No conversation of agent 'nobody' of {manifest} is kept; --list-state shows what is kept")
            .And.Contain($"Could not remove the kept conversation of agent 'busy' (volume {volume})").And.Contain("volume is in use")
            .And.Contain("If its bottle is running, stop it first.");
        engine.Volumes.Should().ContainKey(volume);
    }
}
