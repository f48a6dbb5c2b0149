using System.Text;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Publishing;
using ClaudeBottle.Launcher.Resolution;
using YamlDotNet.RepresentationModel;

namespace ClaudeBottle.Launcher.Tests.Publishing;

public sealed class ComposePublisherTests
{
    private static SortedDictionary<string, byte[]> Publish(string corpusFile) =>
        ComposePublisher.Publish(ComposePublisher.Resolve(ManifestLoader.Load(Tests.Manifest.Corpus.File("valid", corpusFile))), new ComposeSettings());

    private static YamlMappingNode Compose(SortedDictionary<string, byte[]> files)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Encoding.UTF8.GetString(files["docker-compose.yaml"])));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlMappingNode Map(YamlNode node, params string[] path)
    {
        foreach (var key in path)
            node = ((YamlMappingNode)node).Children[key];
        return (YamlMappingNode)node;
    }

    [Fact]
    public void Publishing_twice_gives_the_same_bytes()
    {
        var first = Publish("issue-example.jsonc");
        var second = Publish("issue-example.jsonc");

        second.Keys.Should().Equal(first.Keys);
        foreach (var (path, content) in first)
            second[path].Should().Equal(content, path);
    }

    [Fact]
    public void The_agent_is_on_its_internal_network_only_and_waits_for_a_healthy_proxy()
    {
        var compose = Compose(Publish("issue-example.jsonc"));

        Map(compose, "services", "reviewer-agent", "networks").Children.Keys.Select(k => k.ToString()).Should().Equal("reviewer-internal");
        Map(compose, "services", "reviewer-proxy", "networks").Children.Keys.Select(k => k.ToString()).Should().Equal("reviewer-egress", "reviewer-internal");
        Map(compose, "services", "reviewer-agent", "depends_on", "reviewer-proxy").Children["condition"].ToString().Should().Be("service_healthy");
        var network = Map(compose, "networks", "reviewer-internal");
        network.Children["internal"].ToString().Should().Be("true");
        Map(network, "driver_opts").Children["com.docker.network.bridge.inhibit_ipv4"].ToString().Should().Be("true");
        Map(compose, "networks").Children.Should().NotContainKey("default");
    }

    [Fact]
    public void Every_service_rotates_its_logs_has_no_swap_and_the_proxy_is_limited()
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
        var proxy = Map(services, "reviewer-proxy");
        proxy.Children["mem_limit"].ToString().Should().Be("256m");
        proxy.Children["pids_limit"].ToString().Should().Be("128");
        proxy.Children["cpus"].ToString().Should().Be("1");
    }

    [Fact]
    public void Secrets_are_references_and_the_env_example_names_them()
    {
        var files = Publish("issue-example.jsonc");
        var environment = Map(Compose(files), "services", "reviewer-agent", "environment");

        environment.Children["GITHUB_TOKEN"].ToString().Should().Be("${GITHUB_TOKEN}");
        environment.Children["CLAUDE_CODE_OAUTH_TOKEN"].ToString().Should().Be("${CLAUDE_BOTTLE_OAUTH_TOKEN}");
        environment.Children["GIT_AUTHOR_NAME"].ToString().Should().Be("bottle");
        Map(Compose(files), "services", "reviewer-proxy", "environment").Children["CLAUDE_BOTTLE_SECRET_GITHUB_TOKEN"].ToString().Should().Be("${GITHUB_TOKEN}");
        Encoding.UTF8.GetString(files[".env.example"]).Should().Contain("CLAUDE_BOTTLE_OAUTH_TOKEN=\n")
            .And.Contain("GITHUB_TOKEN=\n").And.Contain("COMPOSE_PROJECT_NAME=claude-bottle\n");
        files.Values.Select(Encoding.UTF8.GetString).Should().NotContain(c => c.Contains("(published as a reference)"));
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

        var files = ComposePublisher.Publish(ComposePublisher.Resolve(manifest), new ComposeSettings(), executables);

        executables.Should().BeEquivalentTo("images/a/setup.sh", "skills/a/tool/run.sh");
        files.Keys.Should().Contain(executables);
    }

    [Fact]
    public void Values_with_a_dollar_are_escaped_for_compose()
    {
        var manifest = ManifestLoader.Parse("""{ "agents": { "a": { "env": { "PRICE": "$5" }, "prompt": "cost is $HOME" } } }""", "m.json", Path.GetTempPath());
        var compose = Compose(ComposePublisher.Publish(ComposePublisher.Resolve(manifest), new ComposeSettings()));

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

        var files = ComposePublisher.Publish(bottles, new ComposeSettings());
        Encoding.UTF8.GetString(files["skills/a/review/guide.md"]).Should().Be("guide");

        File.CreateSymbolicLink(Path.Join(dir.Path, "skills", "review", "key"), secret);
        var error = Assert.Throws<InvalidOperationException>(() => ComposePublisher.Publish(bottles, new ComposeSettings()));
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

        var volumes = ((YamlSequenceNode)Map(Compose(ComposePublisher.Publish([bottle], new ComposeSettings())), "services", "a-agent").Children["volumes"])
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

        Assert.Throws<InvalidOperationException>(() => ComposePublisher.Publish(bottles, new ComposeSettings()))
            .Message.Should().Contain("m.json: agents.a.workspace: ").And.Contain("holds a ':'");
    }

    [Theory]
    [InlineData("x${VAR}", false)]
    [InlineData("$HOME", false)]
    [InlineData("a$$$b", false)]
    [InlineData("${VAR}", true)]
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
