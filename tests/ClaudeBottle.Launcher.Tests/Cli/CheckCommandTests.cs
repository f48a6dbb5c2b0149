using ClaudeBottle.Launcher.Cli;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Tests.Cli;

public sealed class CheckCommandTests
{
    private const string Secret = "sk-ant-oat01-secret-never-printed";

    private static (int Exit, string Out, string Err) Run(string manifest, Func<string, string?> env, params string[] agents)
    {
        var options = LaunchOptions.Parse(["--check", "--manifest", manifest, .. agents.SelectMany(a => new[] { "--agent", a })]);
        var (output, errors) = (new StringWriter(), new StringWriter());
        var exit = CheckCommand.Run(options, output, errors, env);
        return (exit, output.ToString(), errors.ToString());
    }

    [Fact]
    public void The_shipped_example_is_valid_with_nothing_but_the_token_set()
    {
        var (exit, output, errors) = Run(TestFiles.Output("example", "claude-bottle.json"),
            name => name == AgentLayout.TokenVariable ? Secret : null);

        exit.Should().Be(0, errors);
        output.Should().Contain("is valid: 1 agent in 1 bottle.");
        output.Should().Contain("(bottle default, headless)");
        output.Should().Contain($"token: {AgentLayout.TokenVariable} is set");
        output.Should().NotContain(Secret);
    }

    [Fact]
    public void The_proxy_line_names_the_image_that_will_run_and_says_when_the_pinned_digest_is_unverified()
    {
        var options = LaunchOptions.Parse(["--check", "--manifest", TestFiles.Output("example", "claude-bottle.json")]);
        var (pinned, named) = (new StringWriter(), new StringWriter());

        CheckCommand.Run(options, pinned, new StringWriter(), _ => null);
        CheckCommand.Run(options, named, new StringWriter(), _ => null, pipelockImage: "mirror.example/pipelock:2.3.0");

        pinned.ToString().Should().Contain($"proxy: pipelock {PipelockImage.Reference}");
        if (!PipelockImage.DigestVerified)
            pinned.ToString().Should().Contain("not verified").And.Contain(PipelockImage.ConfigurationKey);
        named.ToString().Should().Contain("proxy: pipelock mirror.example/pipelock:2.3.0").And.NotContain("not verified");
    }

    [Fact]
    public void Plan_shows_image_allowlist_env_names_mounts_and_limits_but_no_secret_values()
    {
        var (exit, output, _) = Run(Tests.Manifest.Corpus.File("valid", "issue-example.jsonc"),
            name => name == "GITHUB_TOKEN" ? Secret : null);

        exit.Should().Be(0);
        output.Should().Contain("agent reviewer (bottle default, headless)");
        output.Should().Contain("  image:      built from ");
        output.Should().Contain("  permission: acceptEdits", "every label is followed by a space, the longest too");
        output.Should().Contain("raw.githubusercontent.com").And.Contain("api.anthropic.com");
        output.Should().Contain("GITHUB_TOKEN (a placeholder for ${GITHUB_TOKEN}").And.Contain("REVIEW_DEPTH");
        output.Should().Contain("skills/code-review -> /home/claude/.claude/skills/code-review (read-only)");
        output.Should().Contain("repos/app -> /workspace (read-write)");
        output.Should().Contain("cpus 2, memory 4g, pids 512");
        output.Should().Contain("is NOT set");
        output.Should().NotContain(Secret);
    }

    [Fact]
    public void An_invalid_manifest_exits_non_zero_with_every_error_and_prints_no_plan()
    {
        var (exit, output, errors) = Run(Tests.Manifest.Corpus.File("invalid", "several-errors-at-once.jsonc"), _ => null);

        exit.Should().NotBe(0);
        output.Should().BeEmpty();
        errors.Should().Contain("The manifest has 4 problems");
        errors.Should().Contain("bottles.default.egress.allowlist[1]: '10.1.1.1' is an IP address");
    }

    [Fact]
    public void A_missing_variable_fails_the_check_naming_it()
    {
        var (exit, _, errors) = Run(Tests.Manifest.Corpus.File("valid", "issue-example.jsonc"), _ => null);

        exit.Should().NotBe(0);
        errors.Should().Contain("bottles.default.env.GITHUB_TOKEN: agent 'reviewer' needs ${GITHUB_TOKEN}");
    }

    [Fact]
    public void Agent_selection_limits_the_plan_and_unknown_agents_are_errors()
    {
        var manifest = Tests.Manifest.Corpus.File("valid", "several-bottles-and-agents.jsonc");

        var (exit, output, _) = Run(manifest, _ => null, "builder");
        exit.Should().Be(0);
        output.Should().Contain("agent builder").And.NotContain("agent tester");

        var (badExit, _, errors) = Run(manifest, _ => null, "nobody");
        badExit.Should().NotBe(0);
        errors.Should().Contain("--agent nobody: no agent of that name");
    }
    [Fact]
    public async Task A_build_context_holding_a_fifo_fails_the_check_naming_it_without_hanging()
    {
        using var dir = new TempDirectory();
        dir.Write("image/Dockerfile", "FROM x\n");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", System.IO.Path.Join(dir.Path, "image", "pipe")))
            mkfifo.WaitForExit();
        var manifest = dir.Write("claude-bottle.json", """{ "bottles": { "default": { "build": { "context": "image" } } }, "agents": { "a": {} } }""");

        var (exit, output, errors) = await Task.Run(() => Run(manifest, _ => null)).WaitAsync(TimeSpan.FromSeconds(20));

        exit.Should().Be(1);
        errors.Should().Contain("claude-bottle.json: the build context").And.Contain("'pipe' is a named pipe (FIFO)");
        output.Should().NotContain("is valid");
    }
}
