using System.Text;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Publishing;
using YamlDotNet.RepresentationModel;

namespace ClaudeBottle.Launcher.Tests.Publishing;

public sealed class ComposeProbeTests
{
    private static (SortedDictionary<string, byte[]> Files, YamlMappingNode Services) Publish(PublishSettings settings)
    {
        var files = ComposePublisher.Publish(ComposePublisher.Resolve(ManifestLoader.Load(Tests.Manifest.Corpus.File("valid", "issue-example.jsonc"))), settings);
        var stream = new YamlStream();
        stream.Load(new StringReader(Encoding.UTF8.GetString(files["docker-compose.yaml"])));
        return (files, (YamlMappingNode)((YamlMappingNode)stream.Documents.Single().RootNode).Children["services"]);
    }

    private static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (current, key) => ((YamlMappingNode)current).Children[key]);

    [Fact]
    public void The_agent_starts_only_after_the_probe_completed_successfully_and_the_probe_after_both_proxies()
    {
        var (files, services) = Publish(new PublishSettings());

        At(services, "reviewer-agent", "depends_on", "reviewer-agent-probe", "condition").ToString().Should().Be("service_completed_successfully");
        At(services, "reviewer-agent-probe", "depends_on", "reviewer-proxy", "condition").ToString().Should().Be("service_healthy");
        At(services, "reviewer-agent-probe", "depends_on", "reviewer-edge", "condition").ToString()
            .Should().Be("service_healthy", "the edge is healthy once it listens and pipelock accepts its connections");
        var probe = (YamlMappingNode)At(services, "reviewer-agent-probe");
        probe.Children["user"].ToString().Should().Be("1000:1000");
        ((YamlMappingNode)probe.Children["networks"]).Children.Keys.Select(k => k.ToString()).Should().Equal("reviewer-internal");
        probe.Children.Should().NotContainKey("environment").And.NotContainKey("volumes").And.NotContainKey("restart");
        probe.Children["image"].ToString().Should().StartWith("claude-bottle/probe:");
        At(probe, "build", "context").ToString().Should().Be("./images/probe");
        files.Keys.Should().Contain(["images/probe/Dockerfile", "images/probe/isolation-probe.sh"]);
        ((YamlSequenceNode)probe.Children["command"]).Children.Select(c => c.ToString()).Should()
            .Contain("--port").And.NotContain("--gateway", "compose picks the subnets; the probe finds its gateways from its routes");
        var command = ((YamlSequenceNode)probe.Children["command"]).Children.Select(c => c.ToString()).ToList();
        command.Should().ContainInConsecutiveOrder("--proxy-host", "edge", "--proxy-port", "8080").And.NotContain("--proxy-address");
    }

    [Fact]
    public void A_ready_probe_image_is_used_without_a_build()
    {
        var (files, services) = Publish(new PublishSettings { ProbeImage = "mirror.example/probe:1" });

        At(services, "reviewer-agent-probe", "image").ToString().Should().Be("mirror.example/probe:1");
        ((YamlMappingNode)At(services, "reviewer-agent-probe")).Children.Should().NotContainKey("build");
        files.Keys.Should().NotContain(k => k.StartsWith("images/probe/", StringComparison.Ordinal));
    }
}
