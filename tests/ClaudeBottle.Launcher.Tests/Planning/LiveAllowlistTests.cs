using System.Text.Json.Nodes;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;
using YamlDotNet.RepresentationModel;

namespace ClaudeBottle.Launcher.Tests.Planning;

/// <summary>A host allowed live: which may be, the proxies' configurations with it, and the manifest line that keeps it.</summary>
public sealed class LiveAllowlistTests
{
    private static ResolvedBottle Bottle(string bottleName = "web") => BottleResolver.Resolve(ManifestLoader.Parse($$"""
        { "bottles": { "{{bottleName}}": { "egress": { "allowlist": ["github.com", "*.npmjs.org"] } } }, "agents": { "dev": { "bottle": "{{bottleName}}" } } }
        """, "claude-bottle.json", Path.GetTempPath()), _ => null).Single();

    [Theory]
    [InlineData("*.example.com", "wildcard")]
    [InlineData("*", "wildcard")]
    [InlineData("10.0.0.1", "IP address")]
    [InlineData("localhost", "single label")]
    [InlineData("https://example.com", "URL")]
    [InlineData("example.com:443", "port")]
    [InlineData("github.com", "already allowed (by 'github.com')")]
    [InlineData("registry.npmjs.org", "already allowed (by '*.npmjs.org')")]
    public void What_the_manifest_would_refuse_a_wildcard_or_a_host_already_allowed_is_refused(string host, string why) =>
        LiveAllowlist.Check(host, Bottle().Allowlist).Should().Contain(why);

    [Fact]
    public void A_host_name_outside_the_allowlist_may_be_allowed() =>
        LiveAllowlist.Check("pypi.org", Bottle().Allowlist).Should().BeNull();

    [Theory]
    [InlineData("api.github.com", true)]
    [InlineData("npmjs.org", true)]
    [InlineData("pypi.org", false)]
    [InlineData("notgithub.com", false)]
    public void A_host_is_inspected_only_under_a_domain_the_run_CA_may_sign_for(string host, bool inspected) =>
        LiveAllowlist.Inspected(host, Bottle().Allowlist).Should().Be(inspected);

    [Fact]
    public void The_pipelock_config_gains_the_host_and_nothing_else_changes()
    {
        var before = PipelockConfigText.Write(Bottle(), "scan-token");

        var after = LiveAllowlist.AddToPipelockConfig(before, "pypi.org");

        Allowlist(after).Should().Equal([.. Allowlist(before), "pypi.org"]);
        after.Split('\n').Except(before.Split('\n')).Should().Equal("- pypi.org");
        before.Split('\n').Except(after.Split('\n')).Should().BeEmpty("every other line stays, the scan API's token with it");
        LiveAllowlist.AddToPipelockConfig(after, "pypi.org").Should().Be(after, "a host allowed twice is listed once");
    }

    [Fact]
    public void The_edge_config_gains_the_host_and_nothing_else_changes()
    {
        var before = EdgeConfigText.Write(Bottle(), "scan-token", extraCa: false);

        var after = LiveAllowlist.AddToEdgeConfig(before, "pypi.org");

        var (old, updated) = (JsonNode.Parse(before)!.AsObject(), JsonNode.Parse(after)!.AsObject());
        updated["allowlist"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal([.. old["allowlist"]!.AsArray().Select(n => n!.GetValue<string>()), "pypi.org"]);
        updated.Remove("allowlist");
        old.Remove("allowlist");
        JsonNode.DeepEquals(old, updated).Should().BeTrue();
    }

    [Fact]
    public void The_manifest_line_names_the_path_and_when_pasted_keeps_the_hosts()
    {
        var line = LiveAllowlist.ManifestLine(Bottle(), ["pypi.org", "files.pythonhosted.org"]);

        line.Should().Be("""claude-bottle.json: $.bottles.web.egress.allowlist: "egress": { "allowlist": ["*.npmjs.org", "files.pythonhosted.org", "github.com", "pypi.org"] }""",
            "Claude's own hosts, which every bottle gets, are not repeated");
        var egress = line[(line.IndexOf("\"egress\"", StringComparison.Ordinal))..];
        var kept = BottleResolver.Resolve(ManifestLoader.Parse($$"""
            { "bottles": { "web": { {{egress}} } }, "agents": { "dev": { "bottle": "web" } } }
            """, "claude-bottle.json", Path.GetTempPath()), _ => null).Single();
        kept.Allowlist.Should().Contain(["pypi.org", "files.pythonhosted.org", "github.com", "*.npmjs.org"]);
    }

    private static List<string> Allowlist(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents.Single().RootNode;
        return [.. ((YamlSequenceNode)root.Children["api_allowlist"]).Children.Select(n => ((YamlScalarNode)n).Value!)];
    }
}
