using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClaudeBottle.Launcher.Tests.Runtime;

/// <summary>
/// The manifest's host paths are checked again as a bottle is made: one swapped for a symbolic link since approval (as
/// an agent whose workspace holds it could) stops the bottle, and its agent is never created.
/// </summary>
public sealed class MountRecheckTests
{
    private sealed class Progress : IBottleProgress
    {
        public void Step(string message) { }
        public Task ProxyCreatedAsync(string containerId) => Task.CompletedTask;
        public Task ProxyHealthyAsync() => Task.CompletedTask;
        public Task AgentStartedAsync(string containerId) => Task.CompletedTask;
    }

    private static (BottlePlan Plan, string State) Plan(TempDirectory dir)
    {
        dir.Write("work/deploy_key", "KEY");
        dir.Write("work/skills/review/SKILL.md", "---\nname: review\n---\n");
        var manifest = ManifestLoader.Parse("""
            { "bottles": { "default": { "ssh": ["work/deploy_key"] } },
              "agents": { "a": { "workspace": "work", "skills": ["work/skills/review"] } } }
            """, "claude-bottle.json", dir.Path);
        var bottle = BottleResolver.Resolve(manifest, _ => null).Single();
        var state = Path.Join(dir.Path, "state");
        return (BottlePlan.Create(bottle, new BottlePlanSettings("run", Path.Join(dir.Path, "run.lock"), "cb-run-", "proxy:1", "agent:1",
            BottleRunner.ConfigFile(state), ProbeImage: "probe:1", EdgeImage: "edge:1", EdgeConfigFile: BottleRunner.EdgeConfigFile(state))), state);
    }

    private static Task<BottleInstance> StartAsync(FakeEngine engine, BottlePlan plan, string state) =>
        new BottleRunner(engine, NullLogger.Instance).StartAsync(plan, state, new Progress(), CancellationToken.None);

    [Fact]
    public async Task The_agent_mounts_the_real_paths_that_were_approved()
    {
        using var dir = new TempDirectory();
        var (plan, state) = Plan(dir);
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" } };

        await StartAsync(engine, plan, state);

        engine.Containers.Values.Single(c => c.Name == "cb-run-a-agent").Binds.Select(b => b.Source).Should().Contain(
            [Path.Join(dir.Path, "work", "skills", "review"), Path.Join(dir.Path, "work", "deploy_key"), Path.Join(dir.Path, "work")]);
    }

    [Fact]
    public async Task A_workspace_swapped_for_a_link_before_the_start_creates_nothing()
    {
        using var dir = new TempDirectory();
        using var elsewhere = new TempDirectory();
        var (plan, state) = Plan(dir);
        Directory.Move(Path.Join(dir.Path, "work"), Path.Join(dir.Path, "work-old"));
        Directory.CreateSymbolicLink(Path.Join(dir.Path, "work"), elsewhere.Path);
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" } };

        var error = await Assert.ThrowsAsync<BottleStartException>(() => StartAsync(engine, plan, state));

        error.Step.Should().Be("checking the manifest's host paths");
        error.Reason.Should().Contain($"claude-bottle.json: agents.a.workspace: 'work' now leads to {elsewhere.Path}, not to {Path.Join(dir.Path, "work")}")
            .And.Contain("restart claude-bottle");
        engine.Created.Should().BeEmpty();
        engine.Networks.Should().BeEmpty();
    }

    [Fact]
    public async Task An_ssh_file_swapped_for_a_link_while_the_proxy_starts_stops_the_bottle_before_its_agent_exists()
    {
        using var dir = new TempDirectory();
        using var home = new TempDirectory();
        var secret = home.Write("id_ed25519", "THE USER'S KEY");
        var (plan, state) = Plan(dir);
        var key = Path.Join(dir.Path, "work", "deploy_key");
        var engine = new FakeEngine
        {
            Images = { "proxy:1", "agent:1" },
            BeforeCreate = spec =>
            {
                if (!spec.Name.EndsWith("-proxy", StringComparison.Ordinal))
                    return;
                File.Delete(key);
                File.CreateSymbolicLink(key, secret);
            },
        };

        var error = await Assert.ThrowsAsync<BottleStartException>(() => StartAsync(engine, plan, state));

        error.Step.Should().Be("checking the manifest's host paths again");
        error.Reason.Should().Contain($"bottles.default.ssh[0]: 'work/deploy_key' now leads to {secret}");
        engine.Created.Should().NotContain("cb-run-a-agent");
        engine.Containers.Should().BeEmpty("what was made is removed");
        engine.Networks.Should().BeEmpty();
    }

    [Fact]
    public async Task A_skill_given_a_link_out_of_it_after_approval_stops_the_bottle()
    {
        using var dir = new TempDirectory();
        var (plan, state) = Plan(dir);
        File.CreateSymbolicLink(Path.Join(dir.Path, "work", "skills", "review", "notes.md"), "/etc/passwd");
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" } };

        var error = await Assert.ThrowsAsync<BottleStartException>(() => StartAsync(engine, plan, state));

        error.Reason.Should().Contain("agents.a.skills[0]").And.Contain("notes.md' is a symbolic link leading outside the skill's directory (to /etc/passwd)");
        engine.Created.Should().BeEmpty();
    }

    [Fact]
    public void A_file_replaced_by_another_at_the_same_path_is_not_the_one_approved()
    {
        using var dir = new TempDirectory();
        var (plan, _) = Plan(dir);
        var key = plan.Bottle.Mounts.Single(m => m.Kind == MountKind.Ssh).Origin!;
        var replacement = dir.Write("replacement", "OTHER");
        File.Move(replacement, key.Full, overwrite: true);

        HostPathRules.Recheck(key).Should().Contain($"{key.RealPath} was replaced since the plan was approved");
        HostPathRules.Recheck(plan.Bottle.Mounts.Single(m => m.Kind == MountKind.Workspace).Origin!).Should().BeNull();
    }

    [Fact]
    public async Task A_mount_made_in_code_must_be_a_real_path()
    {
        using var dir = new TempDirectory();
        var (plan, state) = Plan(dir);
        Directory.CreateSymbolicLink(Path.Join(dir.Path, "link"), Path.Join(dir.Path, "work"));
        var bottle = plan.Bottle with { Mounts = [new BottleMount(MountKind.Workspace, Path.Join(dir.Path, "link"), "/workspace", ReadOnly: false)] };
        var engine = new FakeEngine { Images = { "proxy:1", "agent:1" } };

        var error = await Assert.ThrowsAsync<BottleStartException>(() => StartAsync(engine, plan with { Bottle = bottle }, state));

        error.Reason.Should().Contain($"is not a real path (it leads to {Path.Join(dir.Path, "work")})");
        engine.Created.Should().BeEmpty();
    }
}
