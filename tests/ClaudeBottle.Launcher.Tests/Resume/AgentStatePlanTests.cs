using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Tests.Planning;

namespace ClaudeBottle.Launcher.Tests.Resume;

/// <summary>An agent that resumes: its Claude state in a named, labelled volume over the home's own, and Claude told to continue.</summary>
public sealed class AgentStatePlanTests
{
    [Fact]
    public void An_agent_that_resumes_mounts_its_state_volume_at_claudes_folder_over_the_home_and_continues()
    {
        var bottle = BottlePlanTests.Bottle("""{ "resume": true, "prompt": "go" }""");

        var plan = BottlePlan.Create(bottle, BottlePlanTests.Settings);

        plan.Agent.AnonymousVolumes.Should().Equal(["/home/claude"], "the rest of the home still goes with the container");
        plan.Agent.NamedVolumes.Should().Equal(new VolumeMount(bottle.State.Volume, "/home/claude/.claude"));
        bottle.State.Volume.Should().MatchRegex("^claude-bottle-state-[0-9a-f]{12}-a$");
        plan.Agent.Command.Should().Equal("-p", "--continue", "--output-format", "stream-json", "--verbose", "--permission-mode", "bypassPermissions", "--", "go");
        plan.StateVolume!.Name.Should().Be(bottle.State.Volume);
        plan.StateVolume.Labels.Should().Contain(BottleLabels.Project, BottleLabels.ProjectValue).And.Contain(BottleLabels.Role, "agent-state")
            .And.Contain(BottleLabels.Agent, "a").And.Contain(BottleLabels.Manifest, bottle.State.ManifestFile)
            .And.Contain(BottleLabels.ManifestKey, bottle.State.ManifestKey);
        plan.StateVolume.Labels.Should().NotContainKey(BottleLabels.Instance, "it belongs to no run, so no run's removal or reaping finds it")
            .And.NotContainKey(BottleLabels.Lease);
    }

    [Fact]
    public void An_interactive_agent_that_resumes_continues_too()
    {
        var plan = BottlePlan.Create(BottlePlanTests.Bottle("""{ "resume": true }"""), BottlePlanTests.Settings);

        plan.Agent.Command.Should().Equal("--continue", "--permission-mode", "bypassPermissions");
    }

    [Fact]
    public void By_default_nothing_is_kept()
    {
        var plan = BottlePlan.Create(BottlePlanTests.Bottle("""{ "prompt": "go" }"""), BottlePlanTests.Settings);

        plan.Agent.NamedVolumes.Should().BeEmpty();
        plan.StateVolume.Should().BeNull();
        plan.Agent.Command.Should().NotContain("--continue");
    }

    [Fact]
    public void A_fresh_start_mounts_the_volume_without_continuing()
    {
        var bottle = BottlePlanTests.Bottle("""{ "prompt": "go" }""").WithConversation(ConversationMode.Fresh);

        var plan = BottlePlan.Create(bottle, BottlePlanTests.Settings);

        plan.Agent.NamedVolumes.Should().ContainSingle().Which.Target.Should().Be("/home/claude/.claude");
        plan.StateVolume.Should().NotBeNull();
        plan.Agent.Command.Should().NotContain("--continue");
    }

    [Fact]
    public void Two_manifests_with_an_agent_of_the_same_name_keep_two_states_and_a_link_to_a_manifest_finds_its_own()
    {
        using var dir = new TempDirectory();
        var first = dir.Write("one/claude-bottle.json", """{ "agents": { "a": { "resume": true } } }""");
        var second = dir.Write("two/claude-bottle.json", """{ "agents": { "a": { "resume": true } } }""");
        var link = Path.Join(dir.Path, "link");
        Directory.CreateSymbolicLink(link, Path.Join(dir.Path, "one"));
        ResolvedBottle Resolve(string path) => BottleResolver.Resolve(ManifestLoader.Load(path), _ => null).Single();

        var (a1, a2, viaLink) = (Resolve(first), Resolve(second), Resolve(Path.Join(link, "claude-bottle.json")));

        a1.State.Volume.Should().NotBe(a2.State.Volume);
        viaLink.State.Volume.Should().Be(a1.State.Volume, "the volume is keyed by the manifest's real path");
        viaLink.State.ManifestFile.Should().Be(first);
    }

    [Fact]
    public void The_plan_says_where_the_conversation_is_kept()
    {
        var bottle = BottlePlanTests.Bottle("""{ "resume": true }""");

        Launcher.Cli.PlanFormatter.Format(bottle, Path.GetTempPath(), BuildContext.DefaultMaxBytes)
            .Should().Contain($"  state:      ~/.claude kept in volume {bottle.State.Volume}; the last conversation continued (claude --continue)");
    }
}
