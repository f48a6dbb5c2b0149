using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Tests.Planning;

public sealed class BottlePlanTests
{
    internal static readonly BottlePlanSettings Settings = new("run1", "/tmp/x/run1.lock", "claude-bottle-run1-", "pipelock:1", "agent:1", "/tmp/x/run1/a/pipelock.yaml");

    internal static ResolvedBottle Bottle(string agentJson) => BottleResolver.Resolve(
        ManifestLoader.Parse($$"""{ "agents": { "a": {{agentJson}} } }""", "m.json", Path.GetTempPath()), _ => null).Single();

    [Fact]
    public void The_agent_is_on_the_internal_network_only_and_the_proxy_on_both()
    {
        var plan = BottlePlan.Create(Bottle("{}"), Settings);

        plan.InternalNetwork.Internal.Should().BeTrue();
        plan.InternalNetwork.DriverOptions.Should().Contain("com.docker.network.bridge.inhibit_ipv4", "true");
        plan.EgressNetwork.Internal.Should().BeFalse();
        plan.Agent.Network.Should().Be(plan.InternalNetwork.Name);
        plan.Proxy.Network.Should().Be(plan.InternalNetwork.Name);
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

        env.Should().Contain("HTTPS_PROXY", "http://pipelock:8888").And.Contain("https_proxy", "http://pipelock:8888")
            .And.Contain("HTTP_PROXY", "http://pipelock:8888").And.Contain("NO_PROXY", "localhost,127.0.0.1")
            .And.Contain("CLAUDE_CODE_SUBPROCESS_ENV_SCRUB", "0").And.Contain("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
            .And.Contain("X", "1").And.NotContainKey("NODE_EXTRA_CA_CERTS");
    }

    [Fact]
    public void Extra_ca_certificates_are_mounted_read_only_and_given_to_node()
    {
        var plan = BottlePlan.Create(Bottle("{}"), Settings with { ExtraCaCertificatesFile = "/etc/corp/ca.pem" });

        plan.Agent.Binds.Should().Contain(new BindMount("/etc/corp/ca.pem", AgentLayout.ExtraCaCertificates, ReadOnly: true));
        plan.Agent.Environment.Should().Contain(new KeyValuePair<string, string>("NODE_EXTRA_CA_CERTS", AgentLayout.ExtraCaCertificates));
    }

    [Fact]
    public void The_proxy_holds_the_bottles_secrets_for_its_dlp_and_nothing_else()
    {
        var manifest = ManifestLoader.Parse("""{ "bottles": { "default": { "env": { "TOKEN": "${T}", "PLAIN": "visible" } } }, "agents": { "a": {} } }""",
            "m.json", Path.GetTempPath());
        var bottle = BottleResolver.Resolve(manifest, name => name == "T" ? "s3cr3t-value-long-enough" : null).Single();

        var proxy = BottlePlan.Create(bottle, Settings).Proxy.Environment;

        proxy.Should().ContainSingle().Which.Should().Be(new KeyValuePair<string, string>("CLAUDE_BOTTLE_SECRET_TOKEN", "s3cr3t-value-long-enough"));
    }
}
