using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Tests.Manifest;

public sealed class EgressRulesManifestTests
{
    private const string Allow = """ "allowlist": ["api.github.com", "github.com", "*.example.com"] """;

    [Fact]
    public void The_issue_example_loads_with_each_rule_named_by_its_json_path()
    {
        var bottle = BottleJson.Load($$"""
            { "egress": { {{Allow}},
                "rules": [ { "host": "api.github.com", "methods": ["GET", "HEAD"] },
                           { "host": "GitHub.com", "deny": ["/*/*/git-receive-pack"] },
                           { "host": "*.example.com", "allow": ["/api/v2/"], "methods": ["GET", "POST", "GET"] } ],
                "passThrough": ["pinned.example.com"] } }
            """);

        bottle.Rules.Should().HaveCount(3);
        bottle.Rules[0].Should().BeEquivalentTo(new EgressRuleSpec("bottles.dev.egress.rules[0]", "api.github.com", ["GET", "HEAD"], [], []));
        bottle.Rules[1].Should().BeEquivalentTo(new EgressRuleSpec("bottles.dev.egress.rules[1]", "github.com", [], [], ["/*/*/git-receive-pack"]));
        bottle.Rules[2].Should().BeEquivalentTo(new EgressRuleSpec("bottles.dev.egress.rules[2]", "*.example.com", ["GET", "POST"], ["/api/v2/"], []));
        bottle.PassThrough.Should().Equal("pinned.example.com");
        bottle.Allowlist.Should().Equal("*.example.com", "api.github.com", "github.com");
    }

    [Fact]
    public void Keys_may_come_in_any_order_and_rules_may_narrow_claudes_hosts()
    {
        var bottle = BottleJson.Load("""
            { "egress": { "rules": [ { "host": "x.example.com", "methods": ["GET"] }, { "host": "claude.ai", "methods": ["GET"] } ],
                          "allowlist": ["*.example.com"] } }
            """);

        bottle.Rules.Select(r => r.Host).Should().Equal("x.example.com", "claude.ai");
    }

    [Fact]
    public void Egress_is_still_an_object_and_a_bare_allowlist_array_is_refused_as_before()
    {
        BottleJson.Load("""{ "egress": { "allowlist": ["github.com"] } }""").Rules.Should().BeEmpty();
        var error = BottleJson.Error("""{ "egress": ["github.com"] }""");
        (error.Path, error.Message).Should().Be(("bottles.dev.egress", "must be an object, not an array"));
    }

    [Theory]
    [InlineData("other.example.org", "'other.example.org' is not in the bottle's egress allowlist; a rule only narrows")]
    [InlineData("*.github.com", "'*.github.com' is not covered by the bottle's egress allowlist")]
    [InlineData("*.example.com", null)]
    [InlineData("*.deep.example.com", null)]
    [InlineData("example.com", null)]
    [InlineData("*.co.uk", "a public suffix")]
    [InlineData("https://github.com", "is a URL")]
    public void A_rule_host_must_be_a_host_the_allowlist_covers(string host, string? problem)
    {
        var bottle = $$"""{ "egress": { {{Allow}}, "rules": [ { "host": "{{host}}", "methods": ["GET"] } ] } }""";
        if (problem is null)
        {
            BottleJson.Load(bottle).Rules.Single().Host.Should().Be(host);
            return;
        }
        var error = BottleJson.Error(bottle);
        error.Path.Should().Be("bottles.dev.egress.rules[0].host");
        error.Message.Should().Contain(problem);
    }

    [Fact]
    public void A_rule_on_a_passed_through_host_is_refused_because_nothing_there_is_decrypted()
    {
        var error = BottleJson.Error($$"""
            { "egress": { {{Allow}}, "passThrough": ["*.example.com"], "rules": [ { "host": "api.example.com", "methods": ["GET"] } ] } }
            """);

        error.Path.Should().Be("bottles.dev.egress.rules[0].host");
        error.Message.Should().Contain("is passed through ('*.example.com' in \"passThrough\")").And.Contain("drop the rule");
    }

    [Theory]
    [InlineData("""{ "host": "github.com" }""", "bottles.dev.egress.rules[0]", "narrows nothing")]
    [InlineData("""{ "methods": ["GET"] }""", "bottles.dev.egress.rules[0]", "has no \"host\"")]
    [InlineData("""{ "host": "github.com", "methods": [] }""", "bottles.dev.egress.rules[0].methods", "is empty; leave \"methods\" out")]
    [InlineData("""{ "host": "github.com", "allow": [] }""", "bottles.dev.egress.rules[0].allow", "is empty; leave \"allow\" out")]
    [InlineData("""{ "host": "github.com", "methods": ["get"] }""", "bottles.dev.egress.rules[0].methods[0]", "write 'GET'")]
    [InlineData("""{ "host": "github.com", "methods": ["GET POST"] }""", "bottles.dev.egress.rules[0].methods[0]", "is not an HTTP method")]
    [InlineData("""{ "host": "github.com", "methods": "GET" }""", "bottles.dev.egress.rules[0].methods", "must be an array, not a string")]
    [InlineData("""{ "host": "github.com", "deny": ["repos/"] }""", "bottles.dev.egress.rules[0].deny[0]", "does not start with '/'")]
    [InlineData("""{ "host": "github.com", "deny": ["/a?b=1"] }""", "bottles.dev.egress.rules[0].deny[0]", "query or fragment")]
    [InlineData("""{ "host": "github.com", "deny": ["/a%2Fb"] }""", "bottles.dev.egress.rules[0].deny[0]", "encoded '/' or '\\'")]
    [InlineData("""{ "host": "github.com", "deny": ["/a%5cb"] }""", "bottles.dev.egress.rules[0].deny[0]", "encoded '/' or '\\'")]
    [InlineData("""{ "host": "github.com", "allow": ["/a/../b"] }""", "bottles.dev.egress.rules[0].allow[0]", "'..' segment")]
    [InlineData("""{ "host": "github.com", "allow": ["/a/git-*"] }""", "bottles.dev.egress.rules[0].allow[0]", "'*' inside a segment")]
    [InlineData("""{ "host": "github.com", "allow": ["/a", 3] }""", "bottles.dev.egress.rules[0].allow[1]", "must be a string, not a number")]
    [InlineData("""{ "host": "github.com", "methods": ["GET"], "paths": ["/"] }""", "bottles.dev.egress.rules[0].paths", "unknown key 'paths'")]
    [InlineData("""[ "github.com" ]""", "bottles.dev.egress.rules[0]", "must be an object, not an array")]
    public void A_bad_rule_is_one_error_at_its_json_path(string rule, string path, string message)
    {
        var error = BottleJson.Error($$"""{ "egress": { {{Allow}}, "rules": [ {{rule}} ] } }""");

        error.Path.Should().Be(path);
        error.Message.Should().Contain(message);
    }

    [Fact]
    public void Two_rules_for_one_host_are_refused_at_the_second()
    {
        var error = BottleJson.Error($$"""
            { "egress": { {{Allow}}, "rules": [ { "host": "github.com", "methods": ["GET"] }, { "host": "GITHUB.com", "deny": ["/x"] } ] } }
            """);

        error.Path.Should().Be("bottles.dev.egress.rules[1].host");
        error.Message.Should().Contain("'github.com' already has a rule (bottles.dev.egress.rules[0]); merge");
    }

    [Theory]
    [InlineData("pinned.example.com", null)]
    [InlineData("*.example.com", null)]
    [InlineData("gitlab.com", "'gitlab.com' is not in the bottle's egress allowlist; add it to \"allowlist\" too")]
    [InlineData("api.anthropic.com", "would pass through api.anthropic.com, one of Claude's hosts")]
    [InlineData("*.claude.ai", "would pass through claude.ai, one of Claude's hosts")]
    [InlineData("*.com", "every host under a top-level domain")]
    public void A_pass_through_host_is_allowlisted_and_never_claudes(string host, string? problem)
    {
        var bottle = $$"""{ "egress": { {{Allow}}, "passThrough": ["{{host}}"] } }""";
        if (problem is null)
        {
            BottleJson.Load(bottle).PassThrough.Should().Equal(host);
            return;
        }
        var error = BottleJson.Error(bottle);
        error.Path.Should().Be("bottles.dev.egress.passThrough[0]");
        error.Message.Should().Contain(problem);
    }

    [Fact]
    public void A_broken_allowlist_is_reported_once_not_again_on_every_rule()
    {
        var errors = BottleJson.Errors("""
            { "egress": { "allowlist": ["https://github.com"], "rules": [ { "host": "github.com", "methods": ["GET"] } ],
                          "passThrough": ["gitlab.com"] } }
            """);

        errors.Should().ContainSingle().Which.Path.Should().Be("bottles.dev.egress.allowlist[0]");
    }

    [Fact]
    public void Unknown_egress_keys_are_still_refused_with_a_suggestion()
    {
        var error = BottleJson.Error("""{ "egress": { "passthrough": ["github.com"] } }""");

        error.Path.Should().Be("bottles.dev.egress.passthrough");
        error.Message.Should().Contain("did you mean 'passThrough'?");
    }
}
