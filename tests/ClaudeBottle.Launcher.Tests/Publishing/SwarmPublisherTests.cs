using System.Text;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Publishing;
using YamlDotNet.RepresentationModel;

namespace ClaudeBottle.Launcher.Tests.Publishing;

public sealed class SwarmPublisherTests
{
    private static SortedDictionary<string, byte[]> Publish(string corpusFile) =>
        SwarmPublisher.Publish(ComposePublisher.Resolve(ManifestLoader.Load(Tests.Manifest.Corpus.File("valid", corpusFile))), new PublishSettings());

    private static YamlMappingNode Stack(SortedDictionary<string, byte[]> files)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Encoding.UTF8.GetString(files[SwarmPublisher.StackFileName])));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlMappingNode Map(YamlNode node, params string[] path)
    {
        foreach (var key in path)
            node = ((YamlMappingNode)node).Children[key];
        return (YamlMappingNode)node;
    }

    private static List<string> Sequence(YamlNode node, string key) => ((YamlSequenceNode)((YamlMappingNode)node).Children[key]).Children.Select(v => v.ToString()).ToList();

    [Fact]
    public void Publishing_twice_gives_the_same_bytes()
    {
        var bottles = ComposePublisher.Resolve(ManifestLoader.Load(Tests.Manifest.Corpus.File("valid", "issue-example.jsonc")));
        var first = SwarmPublisher.Publish(bottles, new PublishSettings());
        var second = SwarmPublisher.Publish(ComposePublisher.Resolve(ManifestLoader.Load(Tests.Manifest.Corpus.File("valid", "issue-example.jsonc"))), new PublishSettings());

        second.Keys.Should().Equal(first.Keys);
        foreach (var (path, content) in first)
            second[path].Should().Equal(content, path);
    }

    [Fact]
    public void The_stack_holds_nothing_swarm_drops_or_refuses_and_places_every_service_of_a_bottle_on_its_labelled_node()
    {
        var files = Publish("issue-example.jsonc");
        var text = Encoding.UTF8.GetString(files[SwarmPublisher.StackFileName]);
        var stack = Stack(files);

        stack.Children["version"].ToString().Should().Be("3.9");
        foreach (var key in new[] { "security_opt", "depends_on", "volumes_from", "build:", "restart:", "mem_limit", "memswap_limit", "pids_limit", "container_name", "\n    tmpfs:" })
            text.Should().NotContain(key, "swarm drops or refuses it");
        foreach (var (name, service) in Map(stack, "services").Children)
        {
            var deploy = Map(service, "deploy");
            deploy.Children["endpoint_mode"].ToString().Should().Be("dnsrr", "this kernel has no IPVS ({0})", name);
            Sequence(Map(deploy, "placement"), "constraints").Should().Equal("node.labels.claude-bottle.reviewer == true");
            Sequence(service, "cap_drop").Should().Equal(["ALL"], "{0} keeps its hardening", name);
            ((YamlMappingNode)service).Children["read_only"].ToString().Should().Be("true");
        }
        Map(stack, "services", "reviewer-edge", "deploy", "restart_policy").Children["condition"].ToString().Should().Be("none");
        var limits = Map(stack, "services", "reviewer-edge", "deploy", "resources", "limits");
        (limits.Children["memory"].ToString(), limits.Children["pids"].ToString(), limits.Children["cpus"].ToString()).Should().Be(("256m", "128", "1"));
        foreach (var name in new[] { "reviewer-internal", "reviewer-middle", "reviewer-egress" })
        {
            var network = Map(stack, "networks", name);
            network.Children["driver"].ToString().Should().Be("overlay");
            network.Children.Should().NotContainKey("attachable", "no container outside the stack may join {0}", name);
            network.Children.Should().NotContainKey("driver_opts", "{0} is not encrypted: a bottle's traffic stays on its node", name);
            network.Children.ContainsKey("internal").Should().Be(name != "reviewer-egress", name);
        }
    }

    [Fact]
    public void The_agent_waits_for_the_probe_s_verdict_and_the_edge_s_CA_on_tmpfs_volumes_it_mounts_read_only()
    {
        var files = Publish("issue-example.jsonc");
        var stack = Stack(files);
        var agent = Map(stack, "services", "reviewer-agent");
        var probe = Map(stack, "services", "reviewer-agent-probe");
        var edge = Map(stack, "services", "reviewer-edge");

        Sequence(agent, "entrypoint").Should().StartWith(["/bin/sh", "/etc/claude-bottle/agent-start.sh", "claude"]);
        Sequence(agent, "volumes").Should().Contain(["reviewer-ca:/var/lib/claude-bottle-ca:ro", "reviewer-gate:/var/lib/claude-bottle-gate:ro"]);
        Sequence(edge, "volumes").Should().Contain("reviewer-ca:/var/lib/claude-bottle-ca:rw");
        Sequence(probe, "volumes").Should().Equal("reviewer-gate:/var/lib/claude-bottle-gate:rw");
        Sequence(probe, "command").Should().EndWith("--overlay");
        Sequence(probe, "entrypoint")[5].Should().StartWith("rm -f /var/lib/claude-bottle-gate/passed && ", "a probe run again takes the verdict back first")
            .And.EndWith("&& : > /var/lib/claude-bottle-gate/passed && exec sleep infinity",
                "the verdict is written only once the probe passed, and the probe then stays up so that the gate volume keeps it");
        Map(stack, "volumes", "reviewer-gate", "driver_opts").Children["o"].ToString().Should().Be("uid=1000,gid=1000,mode=0700,size=64k");
        Map(stack, "volumes", "reviewer-ca", "driver_opts").Children["type"].ToString().Should().Be("tmpfs");
        var script = Encoding.UTF8.GetString(files[SwarmGate.ScriptFile]);
        script.Should().Contain("/var/lib/claude-bottle-gate/passed").And.Contain("exec setpriv --no-new-privs -- \"$@\"").And.NotContain("\r");
    }

    [Fact]
    public void The_edge_and_the_probe_set_no_new_privileges_on_themselves_as_swarm_drops_security_opt()
    {
        var stack = Stack(Publish("issue-example.jsonc"));

        Sequence(Map(stack, "services", "reviewer-edge"), "entrypoint").Should().Equal(["setpriv", "--no-new-privs", "--", .. SwarmServices.EdgeEntrypoint]);
        Sequence(Map(stack, "services", "reviewer-agent-probe"), "entrypoint").Should().StartWith(["setpriv", "--no-new-privs", "--", "bash", "-c"]);
        // The edge's entry point is its image's, which the service's replaces: the two must not drift apart.
        File.ReadAllText(TestFiles.Source("../../../docker/edge/Dockerfile")).Should()
            .Contain($"ENTRYPOINT [{string.Join(", ", SwarmServices.EdgeEntrypoint.Select(a => $"\"{a}\""))}]");
    }

    [Fact]
    public void A_placement_check_names_every_bottle_s_label_and_the_stack_says_to_run_it_before_deploying()
    {
        var executables = new HashSet<string>(StringComparer.Ordinal);
        var files = SwarmPublisher.Publish(ComposePublisher.Resolve(ManifestLoader.Load(Tests.Manifest.Corpus.File("valid", "several-bottles-and-agents.jsonc"))),
            new PublishSettings(), executables);
        var agents = ComposePublisher.Resolve(ManifestLoader.Load(Tests.Manifest.Corpus.File("valid", "several-bottles-and-agents.jsonc"))).Select(b => b.Name).ToList();

        var script = Encoding.UTF8.GetString(files[SwarmPlacement.ScriptName]);
        agents.Should().HaveCountGreaterThan(1);
        foreach (var agent in agents)
            script.Should().Contain($"check 'claude-bottle.{agent}'\n");
        executables.Should().Contain(SwarmPlacement.ScriptName);
        Encoding.UTF8.GetString(files[SwarmPublisher.StackFileName]).Should().Contain($"sh {SwarmPlacement.ScriptName} && docker stack deploy -c docker-stack.yaml claude-bottle");
    }

    [Fact]
    public void The_edge_s_private_tmpfs_is_a_tmpfs_mount_of_mode_1777()
    {
        var edge = Map(Stack(Publish("issue-example.jsonc")), "services", "reviewer-edge");

        var mount = ((YamlSequenceNode)edge.Children["volumes"]).Children.OfType<YamlMappingNode>()
            .Single(m => m.Children["target"].ToString() == EdgeProxy.PrivateDirectory);
        mount.Children["type"].ToString().Should().Be("tmpfs");
        var tmpfs = Map(mount, "tmpfs");
        tmpfs.Children["mode"].ToString().Should().Be(System.Convert.ToInt32("1777", 8).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "a swarm tmpfs mount takes no owner: world-writable and sticky (docs/security.md)");
        tmpfs.Children["size"].ToString().Should().Be((16 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public static TheoryData<string> Manifests => Kubernetes.KubernetesValidationTests.Manifests;

    /// <summary>
    /// Every manifest of the tests (and the shipped example) publishes a stack, and the stack read back into the
    /// compose model and written again is the same text: nothing in it is outside the model or written two ways.
    /// </summary>
    [Theory]
    [MemberData(nameof(Manifests))]
    public void Every_test_manifest_publishes_a_stack_that_reads_back_into_the_compose_model_unchanged(string manifest)
    {
        var bottles = PublishResolution.Resolve(ManifestLoader.Load(manifest == "example"
            ? TestFiles.Output("example", "claude-bottle.json")
            : Tests.Manifest.Corpus.File("valid", manifest)));
        var files = SwarmPublisher.Publish(bottles, new PublishSettings());
        var text = Encoding.UTF8.GetString(files[SwarmPublisher.StackFileName]);
        var yaml = string.Concat(text.Split('\n').SkipWhile(l => l.StartsWith('#')).Select(l => l + "\n"))[..^1];

        var model = new YamlDotNet.Serialization.DeserializerBuilder()
            .WithNamingConvention(YamlDotNet.Serialization.NamingConventions.UnderscoredNamingConvention.Instance)
            .WithAttemptingUnquotedStringTypeDeserialization()
            .WithObjectFactory(new OrdinalDictionaries())
            .Build().Deserialize<ReadStack>(yaml);
        var again = new ComposeFile { Version = model.Version, Volumes = model.Volumes, Configs = model.Configs };
        foreach (var (name, service) in model.Services)
            again.Services[name] = service;
        foreach (var (name, network) in model.Networks)
            again.Networks[name] = network;
        foreach (var (name, secret) in model.Secrets)
            again.Secrets[name] = secret;

        ComposeYaml.Write(again).Should().Be(yaml);
        Map(Stack(files), "services").Children.Keys.Select(k => k.ToString()).Should().HaveCount(4 * bottles.Count, "each bottle has its four services");
        foreach (var bottle in bottles)
            files.Should().ContainKey($"{ComposeEdge.SecretsDirectory}/{bottle.Name}.json{ComposeEdge.ExampleSuffix}");
    }

    /// <summary>Sorted dictionaries as the model makes them, ordinal: the default comparer orders by culture.</summary>
    private sealed class OrdinalDictionaries : YamlDotNet.Serialization.IObjectFactory
    {
        private readonly YamlDotNet.Serialization.ObjectFactories.DefaultObjectFactory _default = new();

        public object Create(Type type) =>
            type.IsGenericType && type.GetGenericTypeDefinition() == typeof(SortedDictionary<,>) && type.GenericTypeArguments[0] == typeof(string)
                ? Activator.CreateInstance(type, StringComparer.Ordinal)! : _default.Create(type);

        public object? CreatePrimitive(Type type) => _default.CreatePrimitive(type);

        public bool GetDictionary(YamlDotNet.Serialization.IObjectDescriptor descriptor, out System.Collections.IDictionary? dictionary, out Type[]? genericArguments) =>
            _default.GetDictionary(descriptor, out dictionary, out genericArguments);

        public Type GetValueType(Type type) => _default.GetValueType(type);

        public void ExecuteOnDeserializing(object value) => _default.ExecuteOnDeserializing(value);

        public void ExecuteOnDeserialized(object value) => _default.ExecuteOnDeserialized(value);

        public void ExecuteOnSerializing(object value) => _default.ExecuteOnSerializing(value);

        public void ExecuteOnSerialized(object value) => _default.ExecuteOnSerialized(value);
    }

    /// <summary><see cref="ComposeFile"/> as the reader fills it: its collections are get-only.</summary>
    private sealed class ReadStack
    {
        public string? Version { get; set; }
        public SortedDictionary<string, ComposeService> Services { get; set; } = new(StringComparer.Ordinal);
        public SortedDictionary<string, ComposeNetwork> Networks { get; set; } = new(StringComparer.Ordinal);
        public SortedDictionary<string, ComposeSecret> Secrets { get; set; } = new(StringComparer.Ordinal);
        public SortedDictionary<string, ComposeVolume>? Volumes { get; set; }
        public SortedDictionary<string, ComposeConfig>? Configs { get; set; }
    }

    [Fact]
    public void Files_travel_as_configs_and_the_edge_s_secrets_as_a_swarm_secret_only_its_user_reads()
    {
        var files = Publish("issue-example.jsonc");
        var stack = Stack(files);

        var secret = (YamlMappingNode)((YamlSequenceNode)Map(stack, "services", "reviewer-edge").Children["secrets"]).Children.Single();
        secret.Children["uid"].ToString().Should().Be("65534");
        secret.Children["mode"].ToString().Should().Be("256", "0400");
        Map(stack, "secrets", "reviewer-edge-secrets").Children["file"].ToString().Should().Be("./secrets/reviewer.json");
        Map(stack, "configs").Children.Keys.Select(k => k.ToString()).Should().Contain(["edge-reviewer-json", "pipelock-reviewer-yaml", "swarm-agent-start-sh"]);
        foreach (var (name, config) in Map(stack, "configs").Children)
            files.Should().ContainKey(((YamlMappingNode)config).Children["file"].ToString()[2..], "config {0} names a published file", name);
        var build = Encoding.UTF8.GetString(files[SwarmPublisher.BuildScriptName]);
        build.Should().Contain("docker build -t").And.Contain("'./images/edge'").And.Contain("docker save $images");
        build.IndexOf("'./images/agent'", StringComparison.Ordinal).Should().BeLessThan(build.IndexOf("'./images/edge'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, PublishTarget.Compose)]
    [InlineData("compose", PublishTarget.Compose)]
    [InlineData("Swarm", PublishTarget.Swarm)]
    [InlineData("kubernetes", PublishTarget.Kubernetes)]
    public void The_publish_target_is_one_option(string? target, PublishTarget chosen)
    {
        var options = new ClaudeBottleOptions { Publish = new PublishOptions { Target = target } };
        options.Publish.Chosen.Should().Be(chosen);
        options.Problems().Should().BeEmpty();
    }

    [Fact]
    public void An_unknown_publish_target_names_the_setting_and_the_allowed_values()
    {
        var options = new ClaudeBottleOptions { Publish = new PublishOptions { Target = "nomad" } };
        options.Problems().Should().ContainSingle().Which.Should().Be(
            "ClaudeBottle:Publish:Target is 'nomad', which is no publish target; write one of compose, swarm, kubernetes (compose when unset)");
    }
}
