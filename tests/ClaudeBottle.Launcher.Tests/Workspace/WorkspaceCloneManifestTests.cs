using ClaudeBottle.Launcher.Cli;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Publishing;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Tests.Planning;

namespace ClaudeBottle.Launcher.Tests.Workspace;

/// <summary>
/// <c>agents.&lt;name&gt;.workspace</c> as a path or as <c>{ path, mode, ref }</c>: a repository is cloned unless told to
/// mount, a plain folder mounted; each mistake reported with its file and JSON path; the plan and its text show the clone.
/// </summary>
public sealed class WorkspaceCloneManifestTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public WorkspaceCloneManifestTests()
    {
        Directory.CreateDirectory(Path.Join(_dir.Path, "repo", ".git"));
        Directory.CreateDirectory(Path.Join(_dir.Path, "plain"));
    }

    public void Dispose() => _dir.Dispose();

    private BottleManifest Load(string workspace) =>
        ManifestLoader.Parse($$"""{ "agents": { "a": { "workspace": {{workspace}} } } }""", "claude-bottle.json", _dir.Path);

    private IReadOnlyList<ManifestError> Errors(string workspace) => Assert.Throws<ManifestException>(() => Load(workspace)).Errors;

    private ResolvedBottle Resolve(string workspace) => BottleResolver.Resolve(Load(workspace), _ => null).Single();

    [Fact]
    public void A_repository_is_cloned_by_default_and_not_mounted()
    {
        var bottle = Resolve("\"./repo\"");

        bottle.WorkspaceClone.Should().NotBeNull();
        bottle.WorkspaceClone!.Repository.Should().Be(HostFile.Resolve(Path.Join(_dir.Path, "repo"), out _));
        bottle.WorkspaceClone.Ref.Should().BeNull();
        bottle.Mounts.Should().BeEmpty("the repository itself, and its .git, are never handed to the agent");
    }

    [Fact]
    public void A_plain_folder_and_a_repository_in_mount_mode_are_mounted_read_write_as_before()
    {
        foreach (var workspace in new[] { "\"./plain\"", """{ "path": "./plain" }""", """{ "path": "./repo", "mode": "mount" }""" })
        {
            var bottle = Resolve(workspace);
            bottle.WorkspaceClone.Should().BeNull(workspace);
            bottle.Mounts.Should().ContainSingle(m => m.Kind == MountKind.Workspace && m.Target == "/workspace" && !m.ReadOnly, workspace);
        }
    }

    [Fact]
    public void A_clone_can_start_from_a_branch_or_tag()
    {
        var bottle = Resolve("""{ "path": "./repo", "mode": "clone", "ref": "release/1.2" }""");

        bottle.WorkspaceClone!.Ref.Should().Be("release/1.2");
        bottle.WorkspaceClone.RefJsonPath.Should().Be("agents.a.workspace.ref");
        bottle.WorkspaceClone.File.Should().Be("claude-bottle.json");
    }

    [Theory]
    [InlineData("""{ "path": "./plain", "mode": "clone" }""", "agents.a.workspace.mode", "is not a git repository (it holds no .git)")]
    [InlineData("""{ "path": "./repo", "mode": "copy" }""", "agents.a.workspace.mode", "'copy' is not a workspace mode")]
    [InlineData("""{ "path": "./repo", "mode": "mount", "ref": "main" }""", "agents.a.workspace.ref", "applies to clone mode only, and this workspace is mounted")]
    [InlineData("""{ "path": "./plain", "ref": "main" }""", "agents.a.workspace.ref", "applies to clone mode only")]
    [InlineData("""{ "path": "./repo", "ref": "--upload-pack=evil" }""", "agents.a.workspace.ref", "begins with '-'")]
    [InlineData("""{ "path": "./repo", "ref": "a..b" }""", "agents.a.workspace.ref", "holds '..'")]
    [InlineData("""{ "path": "./repo", "ref": "main branch" }""", "agents.a.workspace.ref", "holds a space")]
    [InlineData("""{ "mode": "clone" }""", "agents.a.workspace", "names no \"path\"")]
    [InlineData("""{ "path": "./repo", "branch": "x" }""", "agents.a.workspace.branch", "unknown key 'branch'")]
    [InlineData("""{ "path": "./missing" }""", "agents.a.workspace.path", "does not exist")]
    [InlineData("42", "agents.a.workspace", "must be a string (a host folder) or an object")]
    public void A_mistake_is_reported_with_its_file_and_json_path(string workspace, string path, string message)
    {
        var errors = Errors(workspace);

        errors.Should().ContainSingle(e => e.Path == path && e.Message.Contains(message), string.Join("\n", errors));
        errors.Should().OnlyContain(e => e.File == "claude-bottle.json");
    }

    [Fact]
    public void The_plan_gives_the_agent_a_volume_of_its_own_at_workspace_and_a_branch_named_after_agent_and_run()
    {
        var bottle = Resolve("""{ "path": "./repo", "ref": "main" }""");

        var plan = BottlePlan.Create(bottle, BottlePlanTests.Settings with { RunId = "20261202-010203-abcd" });
        var other = BottlePlan.Create(bottle, BottlePlanTests.Settings);

        plan.WorkspaceClone!.Branch.Should().Be("claude-bottle/a/20261202-010203-abcd");
        plan.WorkspaceClone.UncommittedBranch.Should().Be("claude-bottle/a/20261202-010203-abcd-uncommitted");
        plan.WorkspaceClone.Volume.Name.Should().Be("claude-bottle-run1-a-workspace-20261202-010203-abcd");
        plan.WorkspaceClone.Volume.Labels.Should().Contain(BottleLabels.Role, BottleLabels.CloneRole)
            .And.Contain(BottleLabels.Repository, bottle.WorkspaceClone!.Repository).And.Contain(BottleLabels.Branch, plan.WorkspaceClone.Branch)
            .And.Contain(BottleLabels.Instance, "run1");
        plan.Agent.NamedVolumes.Should().Equal(new VolumeMount(plan.WorkspaceClone.Volume.Name, "/workspace"));
        plan.Agent.Binds.Should().BeEmpty();
        other.WorkspaceClone!.Branch.Should().MatchRegex("^claude-bottle/a/[0-9]{8}-[0-9]{6}-[0-9a-f]{4}$");
        other.WorkspaceClone.Volume.Name.Should().NotBe(plan.WorkspaceClone.Volume.Name, "each start has a clone of its own");
    }

    [Fact]
    public void The_helpers_have_no_network_run_as_the_agent_and_read_the_clone_read_only_when_bringing_work_back()
    {
        var plan = BottlePlan.Create(Resolve("\"./repo\""), BottlePlanTests.Settings);
        var clone = plan.WorkspaceClone!;

        var back = CloneHelper.Spec(plan, clone, "bring-back", CloneHelper.BringBackScript, ["base", "a"], readOnlyClone: true, []);

        back.Network.Should().Be("none");
        back.User.Should().Be(AgentLayout.UserId);
        back.ReadOnlyRootFilesystem.Should().BeTrue();
        back.DropAllCapabilities.Should().BeTrue();
        back.NamedVolumes.Should().Equal(new VolumeMount(clone.Volume.Name, "/workspace", ReadOnly: true));
        back.Labels.Should().Contain(BottleLabels.Role, CloneHelper.Role).And.Contain(BottleLabels.Instance, "run1");
        back.Entrypoint.Should().Equal(["sh", "-c", CloneHelper.BringBackScript, "claude-bottle-bring-back", "base", "a"]);
    }

    [Fact]
    public void The_plan_text_shows_the_clone_mode_the_repository_and_the_ref()
    {
        var text = PlanFormatter.Format(Resolve("""{ "path": "./repo", "ref": "v1.2" }"""), _dir.Path);
        var head = PlanFormatter.Format(Resolve("\"./repo\""), _dir.Path);

        text.Should().Contain("workspace:  clone of the git repository repo at ref v1.2, at /workspace; the repository itself is not mounted. " +
                              "The agent's commits come back to it as branch claude-bottle/<agent>/<run>, uncommitted changes as <branch>-uncommitted");
        text.Should().Contain("mounts:     (none)");
        head.Should().Contain("clone of the git repository repo at HEAD");
    }

    [Theory]
    [InlineData("compose")]
    [InlineData("swarm")]
    [InlineData("kubernetes")]
    public void Every_publish_target_refuses_clone_mode_and_names_the_fix(string target)
    {
        var bottle = Resolve("\"./repo\"");

        Action publish = target switch
        {
            "compose" => () => ComposePublisher.Publish([bottle], new PublishSettings()),
            "swarm" => () => SwarmPublisher.Publish([bottle], new PublishSettings()),
            _ => () => ClaudeBottle.Launcher.Publishing.Kubernetes.KubernetesPublisher.Publish([bottle], new ClaudeBottle.Launcher.Publishing.Kubernetes.KubernetesSettings()),
        };

        publish.Should().Throw<InvalidOperationException>()
            .WithMessage("claude-bottle.json: agents.a.workspace: *clone mode*add \"mode\": \"mount\"*nothing was published");
    }
}
