using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Tests.Resolution;

public sealed class BottleResolverTests
{
    private const string Secret = "ghp_s3cr3t-value-that-must-never-show";

    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    private static BottleManifest Load(string kind, string name) => ManifestLoader.Load(Tests.Manifest.Corpus.File(kind, name));

    [Fact]
    public void Agent_env_wins_over_bottle_env_and_bottle_only_names_are_kept()
    {
        var bottles = BottleResolver.Resolve(Load("valid", "several-bottles-and-agents.jsonc"), Env());

        var tester = bottles.Single(b => b.Name == "tester");
        tester.Environment.Should().ContainSingle(e => e.Name == "PYTHONDONTWRITEBYTECODE")
            .Which.Value.Should().Be("0");
        tester.BottleName.Should().Be("python");
    }

    [Fact]
    public void References_are_secrets_the_agent_holds_as_placeholders_of_the_launching_environments_values()
    {
        var bottle = BottleResolver.Resolve(Load("valid", "issue-example.jsonc"), Env(("GITHUB_TOKEN", Secret))).Single();

        var token = bottle.Environment.Single(e => e.Name == "GITHUB_TOKEN");
        token.Value.Should().NotBe(Secret, "the agent holds a placeholder").And.StartWith("ghp_").And.HaveLength(Secret.Length);
        token.IsSecret.Should().BeTrue();
        token.SourceVariable.Should().Be("GITHUB_TOKEN");
        token.ToString().Should().NotContain(Secret);
        bottle.ToString().Should().NotContain(Secret);
        bottle.Environment.Single(e => e.Name == "GIT_AUTHOR_NAME").IsSecret.Should().BeFalse();
    }

    [Fact]
    public void A_missing_variable_is_an_error_naming_the_agent_and_the_variable_but_no_value()
    {
        var manifest = ManifestLoader.Parse("""
            { "bottles": { "default": { "env": { "A": "${MISSING_ONE}", "B": "${PRESENT}" } } },
              "agents": { "reviewer": { "env": { "C": "${MISSING_TWO}" } } } }
            """, "m.json", Path.GetTempPath());

        var error = Assert.Throws<ManifestException>(() => BottleResolver.Resolve(manifest, Env(("PRESENT", Secret))));

        error.Errors.Should().HaveCount(2);
        error.Errors.Should().Contain(e => e.Path == "bottles.default.env.A" && e.Message.Contains("agent 'reviewer'") && e.Message.Contains("MISSING_ONE"));
        error.Errors.Should().Contain(e => e.Path == "agents.reviewer.env.C" && e.Message.Contains("MISSING_TWO"));
        error.Message.Should().NotContain(Secret);
    }

    [Fact]
    public void Effective_allowlist_is_claudes_hosts_union_the_bottles_lower_cased_unique_and_sorted()
    {
        var bottle = BottleResolver.Resolve(Load("valid", "allowlist-normalised.jsonc"), Env()).Single();

        bottle.Allowlist.Should().Equal(
            "*.npmjs.org", "api.anthropic.com", "claude.ai", "github.com", "platform.claude.com", "xn--bcher-kva.example");
    }

    [Fact]
    public void Allowlist_union_removes_hosts_the_bottle_repeats_from_claudes_list() =>
        BottleResolver.EffectiveAllowlist(["CLAUDE.AI", "b.example"]).Should()
            .Equal("api.anthropic.com", "b.example", "claude.ai", "platform.claude.com");

    [Fact]
    public void A_manifest_with_only_an_agent_gets_the_implicit_default_bottle_and_defaults()
    {
        var manifest = ManifestLoader.Parse("""{ "agents": { "solo": {} } }""", "m.json", Path.GetTempPath());

        var bottle = BottleResolver.Resolve(manifest, Env()).Single();

        bottle.Name.Should().Be("solo");
        bottle.BottleName.Should().Be("default");
        bottle.Image.Should().BeOfType<ImageSource.Standard>();
        bottle.Allowlist.Should().Equal(ClaudeHosts.Required.Order(StringComparer.Ordinal));
        bottle.Limits.Should().Be(ResourceLimits.Default);
        bottle.Environment.Should().BeEmpty();
        bottle.Mounts.Should().BeEmpty();
        bottle.IsHeadless.Should().BeFalse();
    }

    [Fact]
    public void Mounts_put_skills_and_ssh_files_read_only_and_the_workspace_read_write()
    {
        var bottle = BottleResolver.Resolve(Load("valid", "issue-example.jsonc"), Env(("GITHUB_TOKEN", "x"))).Single();
        var dir = Path.GetDirectoryName(Tests.Manifest.Corpus.File("valid", "x"))!;

        bottle.Mounts.Select(m => m with { Origin = null }).Should().BeEquivalentTo(new[]
        {
            new BottleMount(MountKind.Skill, Path.Join(dir, "skills", "code-review"), "/home/claude/.claude/skills/code-review", true),
            new BottleMount(MountKind.Ssh, Path.Join(dir, "keys", "id_test"), "/home/claude/.ssh/id_test", true),
            new BottleMount(MountKind.Workspace, Path.Join(dir, "repos", "app"), "/workspace", false),
        });
        bottle.Mounts.Select(m => m.Origin!.JsonPath).Should().Equal("agents.reviewer.skills[0]", "bottles.default.ssh[0]", "agents.reviewer.workspace");
        var build = bottle.Image.Should().BeOfType<ImageSource.Build>().Subject;
        (build.Context, build.Dockerfile).Should().Be((Path.Join(dir, "images", "python"), Path.Join(dir, "images", "python", "Dockerfile")));
        build.Origin!.RealPath.Should().Be(build.Context, "the context is kept as it was checked, to be compared before it is read");
        bottle.Limits.Should().Be(new ResourceLimits(2, 4L << 30, 512));
        bottle.Prompt.Should().StartWith("Review the code");
    }

    [Fact]
    public void Image_references_and_partial_limits_resolve()
    {
        var bottles = BottleResolver.Resolve(Load("valid", "image-reference.jsonc"), Env());
        bottles.Single().Image.Should().Be(new ImageSource.Reference("registry.example.com:5000/team/agent:1.2"));

        var node = BottleResolver.Resolve(Load("valid", "several-bottles-and-agents.jsonc"), Env()).Single(b => b.Name == "builder");
        node.Limits.Should().Be(new ResourceLimits(0.5, 512L << 20, ResourceLimits.Default.Pids));
    }

    [Fact]
    public void Agent_selection_keeps_the_named_agents_and_rejects_unknown_ones()
    {
        var bottles = BottleResolver.Resolve(Load("valid", "several-bottles-and-agents.jsonc"), Env());

        BottleSelection.Select(bottles, [], "m.json").Should().HaveCount(3);
        BottleSelection.Select(bottles, ["tester", "plain"], "m.json").Select(b => b.Name).Should().BeEquivalentTo("tester", "plain");
        Assert.Throws<ManifestException>(() => BottleSelection.Select(bottles, ["testr"], "m.json"))
            .Errors.Single().Message.Should().Contain("--agent testr").And.Contain("did you mean 'tester'?");
    }

    [Fact]
    public void The_launching_users_token_reaches_the_agent_as_claude_code_oauth_token_holding_its_placeholder()
    {
        var manifest = ManifestLoader.Parse("""{ "agents": { "solo": {} } }""", "m.json", Path.GetTempPath());

        var withToken = BottleResolver.Resolve(manifest, Env((AgentLayout.TokenVariable, Secret))).Single();
        var token = withToken.Environment.Single();
        token.Name.Should().Be("CLAUDE_CODE_OAUTH_TOKEN");
        token.Value.Should().Be(withToken.Secrets.Single().Placeholder).And.NotBe(Secret);
        withToken.Secrets.Single().Value.Should().Be(Secret);
        token.IsSecret.Should().BeTrue();
        token.ToString().Should().Be("CLAUDE_CODE_OAUTH_TOKEN (from ${CLAUDE_BOTTLE_OAUTH_TOKEN})");

        BottleResolver.Resolve(manifest, Env()).Single().Environment.Should().BeEmpty();
    }
}
