using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Tests.Planning;

public sealed class BottlePlanTests
{
    internal static readonly BottlePlanSettings Settings = new("run1", "/tmp/x/run1.lock", "claude-bottle-run1-", "pipelock:1", "agent:1", "/tmp/x/run1/a/pipelock.yaml",
        EdgeImage: "edge:1", EdgeConfigFile: "/tmp/x/run1/a/edge.json", ScanApiToken: "scan-token");

    internal static ResolvedBottle Bottle(string agentJson) => BottleResolver.Resolve(
        ManifestLoader.Parse($$"""{ "agents": { "a": {{agentJson}} } }""", "m.json", Path.GetTempPath()), _ => null).Single();

    [Fact]
    public void The_agent_reaches_only_the_edge_and_the_edge_only_pipelock()
    {
        var plan = BottlePlan.Create(Bottle("{}"), Settings);

        plan.InternalNetwork.Internal.Should().BeTrue();
        plan.InternalNetwork.DriverOptions.Should().Contain("com.docker.network.bridge.inhibit_ipv4", "true");
        plan.MiddleNetwork.Internal.Should().BeTrue();
        plan.MiddleNetwork.DriverOptions.Should().Contain("com.docker.network.bridge.inhibit_ipv4", "true");
        plan.EgressNetwork.Internal.Should().BeFalse();
        plan.Agent.Network.Should().Be(plan.InternalNetwork.Name);
        plan.Edge!.Network.Should().Be(plan.InternalNetwork.Name, "the runner joins it to the middle network too");
        plan.Edge.NetworkAliases.Should().Equal("edge");
        plan.Proxy.Network.Should().Be(plan.MiddleNetwork.Name, "the runner joins it to the egress network too; never the agent's");
        plan.Proxy.NetworkAliases.Should().Equal("pipelock");
        plan.Proxy.User.Should().Be("65534:65534");
        plan.Proxy.ReadOnlyRootFilesystem.Should().BeTrue();
        plan.Proxy.Binds.Should().Equal(new BindMount("/tmp/x/run1/a/pipelock.yaml", "/etc/pipelock/pipelock.yaml", ReadOnly: true));
        plan.Agent.Labels.Should().Contain(BottleLabels.Instance, "run1").And.Contain(BottleLabels.Lease, "/tmp/x/run1.lock").And.Contain(BottleLabels.Role, "agent");
    }

    [Fact]
    public void Only_the_agent_gets_a_resolver_that_cannot_forward_out()
    {
        var plan = BottlePlan.Create(Bottle("{}"), Settings);

        plan.Agent.Dns.Should().Equal(AgentLayout.NoRouteResolver);
        plan.Proxy.Dns.Should().BeEmpty("pipelock resolves allowlisted hosts the engine's usual way");
        System.Net.IPAddress.Parse(AgentLayout.NoRouteResolver).GetAddressBytes()[..3].Should().Equal(new byte[] { 192, 0, 2 }, "TEST-NET-1: nothing answers there");
    }

    [Fact]
    public void A_headless_agent_runs_its_prompt_as_stream_json_without_a_tty()
    {
        var plan = BottlePlan.Create(Bottle("""{ "prompt": "fix it", "permissionMode": "plan" }"""), Settings);

        plan.Agent.Entrypoint.Should().Equal("claude");
        plan.Agent.Command.Should().Equal("-p", "--output-format", "stream-json", "--verbose", "--permission-mode", "plan", "--", "fix it");
        plan.Agent.Tty.Should().BeFalse();
    }

    [Fact]
    public void An_interactive_agent_runs_claude_on_a_tty()
    {
        var plan = BottlePlan.Create(Bottle("{}"), Settings);

        plan.Agent.Command.Should().Equal("--permission-mode", "bypassPermissions");
        plan.Agent.Tty.Should().BeTrue();
    }

    [Fact]
    public void The_agent_environment_sends_everything_through_the_proxy_and_scrubs_subprocesses()
    {
        var env = BottlePlan.Create(Bottle("""{ "env": { "X": "1" } }"""), Settings).Agent.Environment.ToDictionary(e => e.Key, e => e.Value);

        env.Should().Contain("HTTPS_PROXY", "http://edge:8080").And.Contain("https_proxy", "http://edge:8080")
            .And.Contain("HTTP_PROXY", "http://edge:8080").And.Contain("NO_PROXY", "localhost,127.0.0.1")
            .And.Contain("CLAUDE_CODE_SUBPROCESS_ENV_SCRUB", "0").And.Contain("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
            .And.Contain("X", "1");
    }

    [Fact]
    public void The_agent_trusts_the_run_ca_from_the_edges_volume_read_only()
    {
        var plan = BottlePlan.Create(Bottle("{}"), Settings with { ExtraCaCertificatesFile = "/etc/corp/ca.pem" });

        plan.Agent.VolumesFrom.Should().Equal($"{plan.Edge!.Name}:ro");
        plan.Edge.AnonymousVolumes.Should().Equal(AgentLayout.CaDirectory);
        plan.Agent.Binds.Should().NotContain(b => b.Source == "/etc/corp/ca.pem", "the edge puts the operator's CAs in the agent's file");
        plan.Edge.Binds.Should().Contain(new BindMount("/etc/corp/ca.pem", EdgeProxy.ExtraCaPath, ReadOnly: true));
        plan.Agent.Environment.Should().Contain(new KeyValuePair<string, string>("NODE_EXTRA_CA_CERTS", AgentLayout.AgentCaFile))
            .And.Contain(new KeyValuePair<string, string>("SSL_CERT_FILE", AgentLayout.CaBundleFile))
            .And.Contain(new KeyValuePair<string, string>("GIT_SSL_CAINFO", AgentLayout.CaBundleFile));
    }

    [Fact]
    public void The_edge_keeps_its_key_on_a_private_tmpfs_and_takes_its_secrets_on_stdin()
    {
        var edge = BottlePlan.Create(Bottle("{}"), Settings).Edge!;

        edge.Tmpfs.Should().ContainKey(EdgeProxy.PrivateDirectory).WhoseValue.Should().Contain("mode=0700").And.Contain("noexec");
        edge.OpenStdin.Should().BeTrue();
        edge.RestartUnlessStopped.Should().BeFalse("a restarted edge would have no secrets");
        edge.ReadOnlyRootFilesystem.Should().BeTrue();
        edge.User.Should().Be("65534:65534");
        edge.Environment.Should().BeEmpty();
        edge.Binds.Should().Contain(new BindMount("/tmp/x/run1/a/edge.json", EdgeProxy.ConfigPath, ReadOnly: true));
    }

    [Fact]
    public void No_container_of_the_plan_is_given_a_secret_value()
    {
        var manifest = ManifestLoader.Parse("""
            { "bottles": { "default": { "env": { "TOKEN": "${T}", "PLAIN": "visible" },
                "egress": { "allowlist": ["api.github.com"] },
                "credentials": [ { "host": "api.github.com", "header": "Authorization", "value": "Bearer ${GH}" } ] } },
              "agents": { "a": {} } }
            """, "m.json", Path.GetTempPath());
        var values = new Dictionary<string, string> { ["T"] = "s3cr3t-value-long-enough", ["GH"] = "ghp_realrealrealrealrealrealrealrealreal", ["CLAUDE_BOTTLE_OAUTH_TOKEN"] = "sk-ant-oat01-real-token-value" };
        var bottle = BottleResolver.Resolve(manifest, name => values.GetValueOrDefault(name)).Single();

        var plan = BottlePlan.Create(bottle, Settings);

        var texts = new[] { plan.Proxy, plan.Edge!, plan.Agent }
            .SelectMany(c => c.Environment.SelectMany(e => new[] { e.Key, e.Value }).Concat(c.Command ?? []).Concat(c.Labels.Values))
            .Append(plan.ProxyConfig).Append(plan.EdgeConfig).ToList();
        foreach (var value in values.Values)
            texts.Should().NotContain(t => t.Contains(value, StringComparison.Ordinal));
        plan.Proxy.Environment.Should().BeEmpty("pipelock gets no secret at all");
        plan.Agent.Environment.Should().Contain(e => e.Key == "CLAUDE_CODE_OAUTH_TOKEN" && e.Value.StartsWith("sk-ant-oat01-", StringComparison.Ordinal));
        plan.Agent.Environment.Should().Contain(e => e.Key == "GH" && e.Value.StartsWith("ghp_", StringComparison.Ordinal));
    }
}
