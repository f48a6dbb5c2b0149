using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Tests.Resolution;

public sealed class SecretResolutionTests
{
    internal const string Token = "sk-ant-oat01-REALtokenVALUE0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefAA";
    internal const string GitHub = "ghp_REALgithubVALUE0123456789abcdefghijklm";
    internal const string Npm = "npm_REALnpmVALUE0123456789abcdefghijklmnop";

    internal static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    internal static IReadOnlyList<ResolvedBottle> Resolve(string json, Func<string, string?> environment) =>
        BottleResolver.Resolve(ManifestLoader.Parse(json, "m.json", Path.GetTempPath()), environment);

    /// <summary>Two agents in a bottle with a credential, an env reference to the same variable, and one to another.</summary>
    internal const string Rich = """
        { "bottles": { "dev": {
            "env": { "GH": "${GITHUB_TOKEN}", "PLAIN": "literal" },
            "egress": { "allowlist": ["api.github.com", "github.com", "registry.npmjs.org", "*.example.com"],
                        "rules": [ { "host": "github.com", "deny": ["/*/*/git-receive-pack"] } ],
                        "passThrough": ["pinned.example.com"] },
            "credentials": [ { "host": "api.github.com", "header": "Authorization", "value": "Bearer ${GITHUB_TOKEN}" },
                             { "host": "registry.npmjs.org", "header": "Authorization", "value": "Bearer ${NPM_TOKEN}" } ] } },
          "agents": { "a": { "bottle": "dev", "env": { "ALSO_GH": "${GITHUB_TOKEN}" }, "prompt": "go" },
                      "b": { "bottle": "dev" } } }
        """;

    private static ResolvedBottle RichAgent(string name) =>
        Resolve(Rich, Env((AgentLayout.TokenVariable, Token), ("GITHUB_TOKEN", GitHub), ("NPM_TOKEN", Npm))).Single(b => b.Name == name);

    [Fact]
    public void The_agent_env_holds_placeholders_one_per_variable_and_the_token_under_claudes_name()
    {
        var bottle = RichAgent("a");
        var secrets = bottle.Secrets.ToDictionary(s => s.Variable);
        string Value(string name) => bottle.Environment.Single(e => e.Name == name).Value;

        Value("CLAUDE_CODE_OAUTH_TOKEN").Should().Be(secrets[AgentLayout.TokenVariable].Placeholder);
        Value("GH").Should().Be(secrets["GITHUB_TOKEN"].Placeholder).And.StartWith("ghp_").And.HaveLength(GitHub.Length);
        Value("ALSO_GH").Should().Be(Value("GH"), "one variable, one placeholder");
        Value("NPM_TOKEN").Should().Be(secrets["NPM_TOKEN"].Placeholder, "a credential's variable no env entry maps is added under its own name");
        Value("PLAIN").Should().Be("literal");
        bottle.Environment.Select(e => e.Name).Should().Equal("CLAUDE_CODE_OAUTH_TOKEN", "ALSO_GH", "GH", "NPM_TOKEN", "PLAIN");
        bottle.Environment.Where(e => e.Name != "PLAIN").Should().OnlyContain(e => e.IsSecret);
        bottle.Environment.Should().NotContain(e => e.Name == "GITHUB_TOKEN", "GITHUB_TOKEN is already mapped, to GH");
    }

    [Fact]
    public void Secrets_hold_exactly_the_credentials_variables_with_their_real_values_claudes_first()
    {
        var bottle = RichAgent("a");

        bottle.Secrets.Select(s => (s.Variable, s.Value)).Should().Equal(
            (AgentLayout.TokenVariable, Token), ("GITHUB_TOKEN", GitHub), ("NPM_TOKEN", Npm));
        bottle.Secrets.Should().OnlyContain(s => s.Placeholder != s.Value && s.Placeholder.Length == s.Value.Length);
        bottle.Secrets.Select(s => s.ToString()).Should().OnlyContain(t => !t.Contains("REAL") && t.Contains("placeholder"));
    }

    [Fact]
    public void Claudes_token_credential_comes_first_then_the_bottles_and_rules_and_pass_through_are_carried()
    {
        var bottle = RichAgent("b");

        bottle.Credentials.Select(c => (c.Name, c.Host, c.Header, c.Template)).Should().Equal(
            ("claude-bottle: Claude's token", "api.anthropic.com", "Authorization", "Bearer ${CLAUDE_BOTTLE_OAUTH_TOKEN}"),
            ("bottles.dev.credentials[0]", "api.github.com", "Authorization", "Bearer ${GITHUB_TOKEN}"),
            ("bottles.dev.credentials[1]", "registry.npmjs.org", "Authorization", "Bearer ${NPM_TOKEN}"));
        bottle.Rules.Single().Name.Should().Be("bottles.dev.egress.rules[0]");
        bottle.PassThrough.Should().Equal("pinned.example.com");
    }

    [Fact]
    public void All_agents_of_one_resolution_share_a_variables_placeholder_and_the_next_resolution_gets_new_ones()
    {
        var environment = Env((AgentLayout.TokenVariable, Token), ("GITHUB_TOKEN", GitHub), ("NPM_TOKEN", Npm));
        var first = Resolve(Rich, environment);
        var second = Resolve(Rich, environment);

        string Placeholder(IReadOnlyList<ResolvedBottle> run, string agent) =>
            run.Single(b => b.Name == agent).Secrets.Single(s => s.Variable == "GITHUB_TOKEN").Placeholder;
        Placeholder(first, "a").Should().Be(Placeholder(first, "b"));
        Placeholder(second, "a").Should().NotBe(Placeholder(first, "a"));
    }

    [Fact]
    public void Without_claudes_token_there_is_no_default_credential_and_no_token_secret()
    {
        var bottle = Resolve(Rich, Env(("GITHUB_TOKEN", GitHub), ("NPM_TOKEN", Npm))).Single(b => b.Name == "b");

        bottle.Credentials.Should().HaveCount(2).And.NotContain(BottleResolver.ClaudeTokenCredential);
        bottle.Secrets.Select(s => s.Variable).Should().Equal("GITHUB_TOKEN", "NPM_TOKEN");
        bottle.Environment.Should().NotContain(e => e.Name == AgentLayout.AgentTokenVariable);
    }

    [Fact]
    public void An_env_reference_no_credential_uses_is_a_placeholder_too_but_no_secret_for_the_edge()
    {
        var bottle = Resolve("""{ "agents": { "a": { "env": { "DB_PASSWORD": "${DB_PASSWORD}" } } } }""",
            Env(("DB_PASSWORD", "correct horse battery staple"))).Single();

        var entry = bottle.Environment.Single();
        entry.Value.Should().NotBe("correct horse battery staple").And.HaveLength("correct horse battery staple".Length);
        entry.IsSecret.Should().BeTrue();
        bottle.Secrets.Should().BeEmpty();
        bottle.Credentials.Should().BeEmpty();
    }

    [Fact]
    public void A_name_the_env_sets_otherwise_is_left_as_written_when_a_credential_uses_that_variable()
    {
        var bottle = Resolve("""
            { "bottles": { "default": { "egress": { "allowlist": ["api.github.com"] },
                "credentials": [ { "host": "api.github.com", "header": "Authorization", "value": "Bearer ${GITHUB_TOKEN}" } ] } },
              "agents": { "a": { "env": { "GITHUB_TOKEN": "not-a-token" } } } }
            """, Env(("GITHUB_TOKEN", GitHub))).Single();

        bottle.Environment.Single().Value.Should().Be("not-a-token");
        bottle.Secrets.Single().Value.Should().Be(GitHub);
    }

    [Theory]
    [InlineData(null, "GITHUB_TOKEN is not set in the environment that launched claude-bottle; export it first")]
    [InlineData("", "GITHUB_TOKEN is empty")]
    [InlineData("ghp_abc\r\nX-Injected: 1", "holds a line break, a control or a non-ASCII character")]
    public void A_credentials_variable_that_cannot_be_sent_is_an_error_naming_agent_and_variable_never_the_value(string? value, string message)
    {
        const string json = """
            { "bottles": { "default": { "egress": { "allowlist": ["api.github.com"] },
                "credentials": [ { "host": "api.github.com", "header": "Authorization", "value": "Bearer ${GITHUB_TOKEN}" } ] } },
              "agents": { "a": {} } }
            """;

        var errors = Assert.Throws<ManifestException>(() => Resolve(json, name => name == "GITHUB_TOKEN" ? value : null)).Errors;

        var error = errors.Should().ContainSingle().Subject;
        error.Path.Should().Be("bottles.default.credentials[0].value");
        error.Message.Should().Contain("agent 'a' needs ${GITHUB_TOKEN} for the Authorization header to api.github.com").And.Contain(message);
        if (!string.IsNullOrEmpty(value))
            error.ToString().Should().NotContain("ghp_abc");
    }

    [Fact]
    public void Claudes_token_with_a_line_break_is_an_error_without_a_json_path()
    {
        var errors = Assert.Throws<ManifestException>(() => Resolve("""{ "agents": { "a": {} } }""",
            Env((AgentLayout.TokenVariable, "sk-ant-oat01-abc\nHost: evil")))).Errors;

        errors.Should().ContainSingle().Which.Should().Match<ManifestError>(e =>
            e.Path == "" && e.Message.Contains("CLAUDE_BOTTLE_OAUTH_TOKEN holds a line break") && !e.Message.Contains("evil"));
    }
}
