using System.Text;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Publishing;
using ClaudeBottle.Launcher.Resolution;
using YamlDotNet.RepresentationModel;

namespace ClaudeBottle.Launcher.Tests.Publishing;

public sealed class ComposePublisherTests
{
    private static SortedDictionary<string, byte[]> Publish(string corpusFile) =>
        ComposePublisher.Publish(ComposePublisher.Resolve(ManifestLoader.Load(Tests.Manifest.Corpus.File("valid", corpusFile))), new PublishSettings());

    private static YamlMappingNode Compose(SortedDictionary<string, byte[]> files)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Encoding.UTF8.GetString(files["docker-compose.yaml"])));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static List<string> Networks(YamlMappingNode compose, string service) =>
        Map(compose, "services", service, "networks").Children.Keys.Select(k => k.ToString()).ToList();

    private static List<string> Aliases(YamlMappingNode compose, string service, string network) =>
        Map(compose, "services", service, "networks", network).Children.TryGetValue("aliases", out var aliases)
            ? ((YamlSequenceNode)aliases).Children.Select(a => a.ToString()).ToList()
            : [];

    private static List<string> Sequence(YamlMappingNode service, string key) => ((YamlSequenceNode)service.Children[key]).Children.Select(v => v.ToString()).ToList();

    private static string ScanToken(SortedDictionary<string, byte[]> files) =>
        System.Text.Json.Nodes.JsonNode.Parse(files["edge/reviewer.json"])!["scanApi"]!["token"]!.GetValue<string>();

    private static YamlMappingNode Map(YamlNode node, params string[] path)
    {
        foreach (var key in path)
            node = ((YamlMappingNode)node).Children[key];
        return (YamlMappingNode)node;
    }

    [Fact]
    public void Publishing_twice_gives_the_same_bytes_and_each_bottle_its_own_scan_api_token()
    {
        var bottles = ComposePublisher.Resolve(ManifestLoader.Load(Tests.Manifest.Corpus.File("valid", "issue-example.jsonc")));
        var first = ComposePublisher.Publish(bottles, new PublishSettings());
        var second = ComposePublisher.Publish(ComposePublisher.Resolve(ManifestLoader.Load(Tests.Manifest.Corpus.File("valid", "issue-example.jsonc"))),
            new PublishSettings());

        second.Keys.Should().Equal(first.Keys);
        foreach (var (path, content) in first)
            second[path].Should().Equal(content, path);
        var token = ScanToken(first);
        token.Should().MatchRegex("^[0-9a-f]{48}$");
        Encoding.UTF8.GetString(first["pipelock/reviewer.yaml"]).Should().Contain(token, "pipelock accepts the token the edge shows");
        PublishResolution.ScanApiToken("other").Should().NotBe(token, "each bottle's pair has its own token");
    }

    [Fact]
    public void Each_bottle_has_three_networks_and_each_container_is_on_its_own_hops_only()
    {
        var compose = Compose(Publish("issue-example.jsonc"));

        Map(compose, "networks").Children.Keys.Select(k => k.ToString()).Should().Equal("reviewer-egress", "reviewer-internal", "reviewer-middle");
        foreach (var name in new[] { "reviewer-internal", "reviewer-middle" })
        {
            var network = Map(compose, "networks", name);
            network.Children["internal"].ToString().Should().Be("true", name);
            Map(network, "driver_opts").Children["com.docker.network.bridge.inhibit_ipv4"].ToString().Should().Be("true", name);
        }
        Map(compose, "networks", "reviewer-egress").Children.Should().NotContainKey("internal");
        Networks(compose, "reviewer-agent").Should().Equal("reviewer-internal");
        Networks(compose, "reviewer-agent-probe").Should().Equal("reviewer-internal");
        Networks(compose, "reviewer-edge").Should().Equal("reviewer-internal", "reviewer-middle");
        Networks(compose, "reviewer-proxy").Should().Equal("reviewer-egress", "reviewer-middle");
        Aliases(compose, "reviewer-edge", "reviewer-internal").Should().Equal("edge");
        Aliases(compose, "reviewer-edge", "reviewer-middle").Should().BeEmpty();
        Aliases(compose, "reviewer-proxy", "reviewer-middle").Should().Equal("pipelock");
        Aliases(compose, "reviewer-proxy", "reviewer-egress").Should().BeEmpty();
    }

    [Fact]
    public void The_agent_goes_through_the_edge_and_trusts_the_run_ca_from_its_volume_read_only()
    {
        var services = Map(Compose(Publish("issue-example.jsonc")), "services");
        var agent = Map(services, "reviewer-agent");

        Sequence(agent, "volumes_from").Should().Equal("reviewer-edge:ro");
        Sequence(Map(services, "reviewer-edge"), "volumes").Should().Contain("/var/lib/claude-bottle-ca");
        var environment = Map(agent, "environment");
        environment.Children["HTTPS_PROXY"].ToString().Should().Be("http://edge:8080");
        environment.Children["NODE_EXTRA_CA_CERTS"].ToString().Should().Be("/var/lib/claude-bottle-ca/agent-ca.crt");
        environment.Children["SSL_CERT_FILE"].ToString().Should().Be("/var/lib/claude-bottle-ca/bundle.crt");
        Map(services, "reviewer-proxy").Children.Should().NotContainKey("environment", "pipelock holds no secret any more");
    }

    [Fact]
    public void Every_service_rotates_its_logs_has_no_swap_and_the_proxies_are_limited()
    {
        var services = Map(Compose(Publish("issue-example.jsonc")), "services");

        foreach (var (name, node) in services.Children)
        {
            var service = (YamlMappingNode)node;
            Map(service, "logging").Children["driver"].ToString().Should().Be("json-file", name.ToString());
            Map(service, "logging", "options").Children["max-size"].ToString().Should().Be("10m");
            Map(service, "logging", "options").Children["max-file"].ToString().Should().Be("3");
            service.Children["memswap_limit"].ToString().Should().Be(service.Children["mem_limit"].ToString(), "no swap for {0}", name);
        }
        foreach (var name in new[] { "reviewer-proxy", "reviewer-edge" })
        {
            var proxy = Map(services, name);
            proxy.Children["mem_limit"].ToString().Should().Be("256m", name);
            proxy.Children["pids_limit"].ToString().Should().Be("128", name);
            proxy.Children["cpus"].ToString().Should().Be("1", name);
        }
    }

    [Fact]
    public void The_agent_holds_placeholders_and_the_deployment_reads_no_variable()
    {
        var files = Publish("issue-example.jsonc");
        var environment = Map(Compose(files), "services", "reviewer-agent", "environment");

        environment.Children["CLAUDE_CODE_OAUTH_TOKEN"].ToString().Should().MatchRegex("^sk-ant-oat01-[A-Za-z0-9_-]{95}$", "Claude's placeholder has a token's form");
        environment.Children["GITHUB_TOKEN"].ToString().Should().MatchRegex("^placeholder_[A-Za-z0-9]{32}$");
        environment.Children["GIT_AUTHOR_NAME"].ToString().Should().Be("bottle");
        Encoding.UTF8.GetString(files[".env.example"]).Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Should().Equal(["COMPOSE_PROJECT_NAME=claude-bottle"], "compose fills in nothing: every '$' is escaped");
        Encoding.UTF8.GetString(files["docker-compose.yaml"]).Replace("$$", "", StringComparison.Ordinal).Should().NotContain("$");
    }

    [Fact]
    public void The_bottles_own_image_and_the_standard_image_are_built_from_contexts_in_the_output()
    {
        var files = Publish("issue-example.jsonc");
        var agent = Map(Compose(files), "services", "reviewer-agent");

        files.Keys.Should().Contain(["images/agent/Dockerfile", "images/agent/managed-settings.json", "images/reviewer/Dockerfile",
            "pipelock/reviewer.yaml", "skills/reviewer/code-review/SKILL.md"]);
        Map(agent, "build").Children["context"].ToString().Should().Be("./images/reviewer");
        Map(agent, "build", "args").Children["CLAUDE_BOTTLE_AGENT_IMAGE"].ToString().Should().StartWith("claude-bottle/agent:");
        agent.Children["image"].ToString().Should().StartWith("claude-bottle/custom:");
        ((YamlSequenceNode)agent.Children["volumes"]).Children.Select(v => v.ToString())
            .Should().Contain("./skills/reviewer/code-review:/home/claude/.claude/skills/code-review:ro");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // Execute permissions are a Unix notion.
    public void Scripts_of_build_contexts_and_skills_stay_executable()
    {
        using var dir = new TempDirectory();
        dir.Write("image/Dockerfile", "ARG CLAUDE_BOTTLE_AGENT_IMAGE\nFROM ${CLAUDE_BOTTLE_AGENT_IMAGE}\nCOPY setup.sh /tmp/\nRUN /tmp/setup.sh\n");
        var setup = dir.Write("image/setup.sh", "#!/bin/sh\n");
        dir.Write("skills/tool/SKILL.md", "---\nname: tool\n---\n");
        var run = dir.Write("skills/tool/run.sh", "#!/bin/sh\n");
        foreach (var script in new[] { setup, run })
            File.SetUnixFileMode(script, File.GetUnixFileMode(script) | UnixFileMode.UserExecute);
        var manifest = ManifestLoader.Parse("""{ "bottles": { "default": { "build": { "context": "image" } } }, "agents": { "a": { "skills": ["skills/tool"] } } }""",
            Path.Join(dir.Path, "m.json"), dir.Path);
        var executables = new HashSet<string>();

        var files = ComposePublisher.Publish(ComposePublisher.Resolve(manifest), new PublishSettings(), executables);

        executables.Should().BeEquivalentTo("images/a/setup.sh", "skills/a/tool/run.sh");
        files.Keys.Should().Contain(executables);
    }

    [Fact]
    public void Values_with_a_dollar_are_escaped_for_compose()
    {
        var manifest = ManifestLoader.Parse("""{ "agents": { "a": { "env": { "PRICE": "$5" }, "prompt": "cost is $HOME" } } }""", "m.json", Path.GetTempPath());
        var compose = Compose(ComposePublisher.Publish(ComposePublisher.Resolve(manifest), new PublishSettings()));

        Map(compose, "services", "a-agent", "environment").Children["PRICE"].ToString().Should().Be("$$5");
        ((YamlSequenceNode)Map(compose, "services", "a-agent").Children["command"]).Children.Last().ToString().Should().Be("cost is $$HOME");
    }

    [Fact]
    public void A_skill_that_gained_a_link_out_of_it_publishes_nothing_and_a_link_inside_is_copied_as_a_file()
    {
        using var dir = new TempDirectory();
        using var home = new TempDirectory();
        var secret = home.Write("id_ed25519", "THE USER'S KEY");
        dir.Write("skills/review/SKILL.md", "---\nname: review\n---\n");
        dir.Write("skills/review/docs/guide.md", "guide");
        File.CreateSymbolicLink(Path.Join(dir.Path, "skills", "review", "guide.md"), "docs/guide.md");
        var bottles = ComposePublisher.Resolve(ManifestLoader.Parse("""{ "agents": { "a": { "skills": ["skills/review"] } } }""", "m.json", dir.Path));

        var files = ComposePublisher.Publish(bottles, new PublishSettings());
        Encoding.UTF8.GetString(files["skills/a/review/guide.md"]).Should().Be("guide");

        File.CreateSymbolicLink(Path.Join(dir.Path, "skills", "review", "key"), secret);
        var error = Assert.Throws<InvalidOperationException>(() => ComposePublisher.Publish(bottles, new PublishSettings()));
        error.Message.Should().Contain("m.json: agents.a.skills[0]: 'skills/review/key' is a symbolic link leading outside the skill's directory")
            .And.Contain("nothing was published");
    }

    [Fact]
    public void Every_mount_name_and_path_reaching_compose_is_escaped()
    {
        using var dir = new TempDirectory();
        dir.Write("skills/x/SKILL.md", "---\nname: x\n---\n");
        var work = Directory.CreateDirectory(Path.Join(dir.Path, "work$HOME")).FullName;
        var bottle = ComposePublisher.Resolve(ManifestLoader.Parse("""{ "agents": { "a": { "skills": ["skills/x"], "workspace": "work$HOME" } } }""", "m.json", dir.Path)).Single();
        // A skill name that the loader would refuse, as another way into the bottle might bring it.
        bottle = bottle with { Mounts = [.. bottle.Mounts.Select(m => m.Kind == MountKind.Skill ? m with { Target = m.Target + "${VAR}" } : m)] };

        var volumes = ((YamlSequenceNode)Map(Compose(ComposePublisher.Publish([bottle], new PublishSettings())), "services", "a-agent").Children["volumes"])
            .Children.Select(v => v.ToString()).ToList();

        volumes.Should().Contain("./skills/a/x$${VAR}:/home/claude/.claude/skills/x$${VAR}:ro");
        volumes.Should().Contain($"{work.Replace("$", "$$")}:/workspace:rw");
    }

    [Fact]
    public void A_path_with_a_colon_is_refused_rather_than_split_into_other_volume_fields()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Join(dir.Path, "w:", "etc"));
        var bottles = ComposePublisher.Resolve(ManifestLoader.Parse("""{ "agents": { "a": { "workspace": "w:/etc" } } }""", "m.json", dir.Path));

        Assert.Throws<InvalidOperationException>(() => ComposePublisher.Publish(bottles, new PublishSettings()))
            .Message.Should().Contain("m.json: agents.a.workspace: ").And.Contain("holds a ':'");
    }

    [Theory]
    [InlineData("x${VAR}", false)]
    [InlineData("$HOME", false)]
    [InlineData("a$$$b", false)]
    [InlineData("${VAR}", false)]
    [InlineData("$${VAR} and $$5", true)]
    public void The_compose_writer_refuses_any_value_compose_would_fill_in(string value, bool written)
    {
        var file = new ComposeFile();
        file.Services["s"] = new ComposeService { Image = value };

        var write = () => ComposeYaml.Write(file);

        if (written) write.Should().NotThrow();
        else write.Should().Throw<InvalidOperationException>().WithMessage("*compose fills in*");
    }

    [Fact]
    public void The_compose_writer_refuses_a_key_with_a_dollar()
    {
        var file = new ComposeFile();
        file.Services["s"] = new ComposeService { Labels = new(StringComparer.Ordinal) { ["a${B}"] = "x" } };

        ((Action)(() => ComposeYaml.Write(file))).Should().Throw<InvalidOperationException>();
    }
}
