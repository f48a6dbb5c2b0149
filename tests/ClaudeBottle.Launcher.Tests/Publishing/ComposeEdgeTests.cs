using System.Text;
using System.Text.Json.Nodes;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Publishing;
using YamlDotNet.RepresentationModel;

namespace ClaudeBottle.Launcher.Tests.Publishing;

public sealed class ComposeEdgeTests
{
    /// <summary>A bottle with two credentials, one variable also mapped in env, and an env-only reference.</summary>
    private static string Manifest(string github, string npm, string other) => $$"""
        { "bottles": { "dev": {
            "env": { "GH": "${{{github}}}", "ONLY_ENV": "${{{other}}}" },
            "egress": { "allowlist": ["api.github.com", "registry.npmjs.org"] },
            "credentials": [ { "host": "api.github.com", "header": "Authorization", "value": "Bearer ${{{github}}}" },
                             { "host": "registry.npmjs.org", "header": "Authorization", "value": "Bearer ${{{npm}}}" } ] } },
          "agents": { "a": { "bottle": "dev", "prompt": "go" } } }
        """;

    private static SortedDictionary<string, byte[]> Publish(string json, PublishSettings? settings = null) =>
        ComposePublisher.Publish(ComposePublisher.Resolve(ManifestLoader.Parse(json, "m.json", Path.GetTempPath())), settings ?? new PublishSettings());

    private static YamlMappingNode Compose(SortedDictionary<string, byte[]> files)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Encoding.UTF8.GetString(files["docker-compose.yaml"])));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlNode At(YamlNode node, params string[] path) => path.Aggregate(node, (current, key) => ((YamlMappingNode)current).Children[key]);

    private static List<string> Strings(YamlNode node) => ((YamlSequenceNode)node).Children.Select(c => c.ToString()).ToList();

    [Fact]
    public void The_edge_reads_its_values_from_a_secrets_file_the_operator_fills_in_and_the_deployment_has_only_its_example()
    {
        var files = Publish(Manifest("GITHUB_TOKEN", "NPM_TOKEN", "OTHER"));
        var compose = Compose(files);

        At(compose, "secrets", "a-edge-secrets", "file").ToString().Should().Be("./secrets/a.json");
        var mounted = ((YamlSequenceNode)At(compose, "services", "a-edge", "secrets")).Children.Cast<YamlMappingNode>().Single();
        mounted.Children["source"].ToString().Should().Be("a-edge-secrets");
        mounted.Children["target"].ToString().Should().Be("claude-bottle-edge", "the edge reads /run/secrets/claude-bottle-edge when its stdin is empty");
        files.Keys.Should().NotContain("secrets/a.json", "the operator writes it, on the target machine");
        var example = JsonNode.Parse(files["secrets/a.json.example"])!["secrets"]!.AsObject();
        example.Select(p => p.Key).Should().Equal(["CLAUDE_BOTTLE_OAUTH_TOKEN", "GITHUB_TOKEN", "NPM_TOKEN"],
            "every variable a credential uses, and no other: ONLY_ENV's value goes nowhere");
        example.Select(p => p.Value!.GetValue<string>()).Should().OnlyContain(v => v.Length == 0);
        Encoding.UTF8.GetString(files["secrets/.gitignore"]).Split('\n').Should().Contain(["*", "!*.json.example"]);
    }

    [Fact]
    public void Every_name_the_edge_s_credentials_use_is_in_the_example_and_its_placeholders_are_the_agent_s()
    {
        var files = Publish(Manifest("GITHUB_TOKEN", "NPM_TOKEN", "OTHER"));
        var config = JsonNode.Parse(files["edge/a.json"])!;
        var environment = (YamlMappingNode)At(Compose(files), "services", "a-agent", "environment");
        var example = JsonNode.Parse(files["secrets/a.json.example"])!["secrets"]!.AsObject();

        var used = config["credentials"]!.AsArray().SelectMany(c => System.Text.RegularExpressions.Regex.Matches(c!["template"]!.GetValue<string>(), @"\$\{(\w+)\}"))
            .Select(m => m.Groups[1].Value).Distinct().ToList();
        used.Should().BeEquivalentTo(["CLAUDE_BOTTLE_OAUTH_TOKEN", "GITHUB_TOKEN", "NPM_TOKEN"]);
        used.Should().OnlyContain(name => example.ContainsKey(name), "an edge missing a name exits 3");
        var placeholders = config["placeholders"]!.AsObject();
        environment.Children["CLAUDE_CODE_OAUTH_TOKEN"].ToString().Should().Be(placeholders["CLAUDE_BOTTLE_OAUTH_TOKEN"]!.GetValue<string>());
        environment.Children["GH"].ToString().Should().Be(placeholders["GITHUB_TOKEN"]!.GetValue<string>());
        environment.Children["NPM_TOKEN"].ToString().Should().Be(placeholders["NPM_TOKEN"]!.GetValue<string>());
        config["scanApi"]!["url"]!.GetValue<string>().Should().Be("http://pipelock:9090/api/v1/scan");
        config["upstreamProxy"]!.GetValue<string>().Should().Be("http://pipelock:8888");
    }

    [Fact]
    public void No_value_of_the_publishing_environment_reaches_any_published_file()
    {
        var names = new[] { "GH", "NPM", "OTHER" }.Select(n => $"CB_PUBLISH_LEAK_{n}_{Guid.NewGuid():N}").ToArray();
        var values = new[] { "ghp_" + Guid.NewGuid().ToString("N") + "REAL", "npm_" + Guid.NewGuid().ToString("N") + "REAL", "REAL" + Guid.NewGuid().ToString("N") };
        try
        {
            for (var i = 0; i < names.Length; i++)
                Environment.SetEnvironmentVariable(names[i], values[i]);

            var files = Publish(Manifest(names[0], names[1], names[2]));

            files.Keys.Should().Contain(["docker-compose.yaml", "edge/a.json", "pipelock/a.yaml", "secrets/a.json.example"]);
            foreach (var (path, content) in files)
                foreach (var value in values)
                {
                    var bytes = Encoding.UTF8.GetBytes(value);
                    content.AsSpan().IndexOf(bytes).Should().Be(-1, "{0} must not hold a value of the publishing environment", path);
                    content.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Convert.ToBase64String(bytes))).Should().Be(-1, path);
                }
            var compose = Compose(files);
            ((YamlMappingNode)At(compose, "services", "a-agent", "environment")).Children["GH"].ToString().Should().StartWith("placeholder_");
        }
        finally
        {
            foreach (var name in names)
                Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void The_edge_is_hardened_as_in_run_mode_and_gets_no_stdin_and_no_restart()
    {
        var edge = (YamlMappingNode)At(Compose(Publish(Manifest("GITHUB_TOKEN", "NPM_TOKEN", "OTHER"))), "services", "a-edge");

        edge.Children["user"].ToString().Should().Be("65534:65534");
        edge.Children["read_only"].ToString().Should().Be("true");
        Strings(edge.Children["cap_drop"]).Should().Equal("ALL");
        Strings(edge.Children["security_opt"]).Should().Equal("no-new-privileges:true");
        Strings(edge.Children["tmpfs"]).Should().Equal("/run/claude-bottle-edge:rw,nosuid,nodev,noexec,size=16m,mode=0700,uid=65534,gid=65534");
        Strings(edge.Children["volumes"]).Should().Equal("/var/lib/claude-bottle-ca", "./edge/a.json:/etc/claude-bottle/edge.json:ro");
        edge.Children.Should().NotContainKey("stdin_open", "compose gives the edge no stdin: it reads its secrets file")
            .And.NotContainKey("restart", "a restarted edge would make a new CA the running agent does not trust")
            .And.NotContainKey("environment");
        Strings(At(edge, "healthcheck", "test")).Should().Equal("CMD", "python3", "/usr/local/lib/claude-bottle-edge/healthcheck.py");
        edge.Children["image"].ToString().Should().StartWith("claude-bottle/edge:");
        At(edge, "build", "context").ToString().Should().Be("./images/edge");
    }

    [Fact]
    public void The_edge_image_is_built_from_its_recipe_or_a_ready_one_is_used_as_named()
    {
        var built = Publish(Manifest("GITHUB_TOKEN", "NPM_TOKEN", "OTHER"));
        built.Keys.Should().Contain(["images/edge/Dockerfile", "images/edge/entry.py", "images/edge/edge_addon.py"]);
        At(Compose(built), "services", "a-edge", "build", "args", "BASE_IMAGE").ToString().Should().Be(new AgentImageSettings().BaseImage);

        var ready = Publish(Manifest("GITHUB_TOKEN", "NPM_TOKEN", "OTHER"), new PublishSettings { EdgeImage = "mirror.example/edge:1" });
        var edge = (YamlMappingNode)At(Compose(ready), "services", "a-edge");
        edge.Children["image"].ToString().Should().Be("mirror.example/edge:1");
        edge.Children.Should().NotContainKey("build");
        ready.Keys.Should().NotContain(k => k.StartsWith("images/edge/", StringComparison.Ordinal));
    }

    [Fact]
    public void The_operator_s_extra_cas_reach_the_edge_which_trusts_them_towards_the_outside()
    {
        using var dir = new TempDirectory();
        var ca = dir.Write("extra.crt", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        var files = Publish(Manifest("GITHUB_TOKEN", "NPM_TOKEN", "OTHER"), new PublishSettings { AgentImage = new AgentImageSettings { ExtraCaCertificatesFile = ca } });

        Strings(At(Compose(files), "services", "a-edge", "volumes")).Should().Contain("./ca/extra-ca-certificates.crt:/etc/claude-bottle/extra-ca.crt:ro");
        JsonNode.Parse(files["edge/a.json"])!["extraCaFile"]!.GetValue<string>().Should().Be("/etc/claude-bottle/extra-ca.crt");
        files["ca/extra-ca-certificates.crt"].Should().Equal(File.ReadAllBytes(ca));
    }
}
