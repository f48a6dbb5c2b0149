using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;
using YamlDotNet.RepresentationModel;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Tests.Planning;

public sealed class PipelockConfigTests
{
    /// <summary>
    /// Every key path claude-bottle may write, as declared in pipelock v2.3.0's internal/config/schema.go. pipelock
    /// refuses a config with an unknown key, so a key outside this list would stop the proxy from starting.
    /// </summary>
    private static readonly HashSet<string> KnownKeys =
    [
        "version", "mode", "enforce", "api_allowlist", "default_agent_identity", "bind_default_agent_identity",
        "fetch_proxy", "fetch_proxy.listen", "fetch_proxy.monitoring", "fetch_proxy.monitoring.max_requests_per_minute",
        "forward_proxy", "forward_proxy.enabled",
        "logging", "logging.format", "logging.output", "logging.include_allowed", "logging.include_blocked",
        "sentry", "sentry.enabled", "metrics_listen",
        // v2.3.0 internal/config/schema.go, type ScanAPI and its sections.
        "scan_api", "scan_api.listen", "scan_api.auth", "scan_api.auth.bearer_tokens", "scan_api.max_body_bytes",
        "scan_api.field_limits", "scan_api.field_limits.text", "scan_api.field_limits.content",
        "scan_api.rate_limit", "scan_api.rate_limit.requests_per_minute", "scan_api.rate_limit.burst",
        "scan_api.kinds", "scan_api.kinds.url", "scan_api.kinds.dlp", "scan_api.kinds.prompt_injection", "scan_api.kinds.tool_call",
    ];

    private static ResolvedBottle Bottle(string corpusFile) =>
        BottleResolver.Resolve(ManifestLoader.Load(Tests.Manifest.Corpus.File("valid", corpusFile)), _ => "value").First();

    public static TheoryData<string, string> GoldenCases => new()
    {
        { "issue-example.jsonc", "reviewer.pipelock.yaml" },
        { "minimal.jsonc", "solo.pipelock.yaml" },
    };

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void Generated_config_matches_the_golden_file(string corpusFile, string golden)
    {
        var yaml = PipelockConfigText.Write(Bottle(corpusFile), "scan-token");

        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
            File.WriteAllText(TestFiles.Source(Path.Join("..", "Golden", golden)), yaml);
        yaml.Should().Be(File.ReadAllText(TestFiles.Output("Golden", golden)),
            "the golden file records the exact config; rerun with UPDATE_GOLDEN=1 after a deliberate change");
    }

    [Fact]
    public void Config_enforces_the_allowlist_in_strict_mode_on_the_forward_proxy()
    {
        var bottle = Bottle("issue-example.jsonc");
        var root = Parse(PipelockConfigText.Write(bottle, "scan-token"));

        Scalar(root, "mode").Should().Be("strict");
        Scalar(root, "enforce").Should().Be("true");
        Scalar(root, "forward_proxy", "enabled").Should().Be("true");
        Scalar(root, "fetch_proxy", "listen").Should().Be("0.0.0.0:8888");
        Scalar(root, "sentry", "enabled").Should().Be("false");
        Scalar(root, "logging", "format").Should().Be("json");
        Scalar(root, "logging", "output").Should().Be("stdout");
        Scalar(root, "logging", "include_allowed").Should().Be("true");
        Scalar(root, "logging", "include_blocked").Should().Be("true");
        Scalar(root, "default_agent_identity").Should().Be("reviewer");
        Scalar(root, "metrics_listen").Should().Be("127.0.0.1:9091", "metrics and stats go to pipelock's own loopback, out of the agent's reach");
        ((YamlSequenceNode)root.Children["api_allowlist"]).Children.Select(n => ((YamlScalarNode)n).Value)
            .Should().Equal(bottle.Allowlist);
    }

    [Fact]
    public void Config_uses_only_keys_that_the_pinned_pipelock_accepts()
    {
        var root = Parse(PipelockConfigText.Write(Bottle("issue-example.jsonc"), "scan-token"));

        KeyPaths(root, "").Should().OnlyContain(k => KnownKeys.Contains(k));
        PipelockImage.Tag.Should().Be("2.3.0", "KnownKeys was taken from this tag's schema; re-check it when the pin moves");
    }

    [Fact]
    public void Same_bottle_gives_byte_identical_config() =>
        PipelockConfigText.Write(Bottle("issue-example.jsonc"), "scan-token").Should().Be(PipelockConfigText.Write(Bottle("issue-example.jsonc"), "scan-token"));

    private static YamlMappingNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        stream.Documents.Should().HaveCount(1, "pipelock rejects multi-document YAML");
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string? Scalar(YamlMappingNode node, params string[] path)
    {
        foreach (var key in path[..^1])
            node = (YamlMappingNode)node.Children[key];
        return ((YamlScalarNode)node.Children[path[^1]]).Value;
    }

    private static IEnumerable<string> KeyPaths(YamlMappingNode node, string prefix)
    {
        foreach (var (key, value) in node.Children)
        {
            var path = prefix + ((YamlScalarNode)key).Value;
            yield return path;
            if (value is YamlMappingNode child)
                foreach (var nested in KeyPaths(child, path + "."))
                    yield return nested;
        }
    }
}
