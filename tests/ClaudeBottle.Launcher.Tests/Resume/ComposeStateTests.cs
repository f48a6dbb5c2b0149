using System.Text;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Publishing;
using YamlDotNet.RepresentationModel;

namespace ClaudeBottle.Launcher.Tests.Resume;

/// <summary>A published deployment keeps an agent's conversation as run mode does: in a named volume, continued at each start.</summary>
public sealed class ComposeStateTests
{
    private static YamlMappingNode Compose(string json)
    {
        var files = ComposePublisher.Publish(ComposePublisher.Resolve(ManifestLoader.Parse(json, "m.json", Path.GetTempPath())), new PublishSettings());
        var stream = new YamlStream();
        stream.Load(new StringReader(Encoding.UTF8.GetString(files["docker-compose.yaml"])));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static YamlNode At(YamlNode node, params string[] path) => path.Aggregate(node, (current, key) => ((YamlMappingNode)current).Children[key]);

    [Fact]
    public void An_agent_that_resumes_keeps_its_state_in_a_named_volume_of_the_deployment_and_continues()
    {
        var compose = Compose("""{ "agents": { "keeper": { "resume": true, "prompt": "go" }, "other": { "prompt": "go" } } }""");

        var keeper = At(compose, "services", "keeper-agent");
        ((YamlSequenceNode)At(keeper, "volumes")).Children.Select(c => c.ToString()).Should().Contain("keeper-state:/home/claude/.claude")
            .And.Contain("/home/claude", "the rest of the home stays the container's own");
        ((YamlSequenceNode)At(keeper, "command")).Children.Select(c => c.ToString()).Should().Contain("--continue");
        var volumes = (YamlMappingNode)At(compose, "volumes");
        volumes.Children.Keys.Select(k => k.ToString()).Should().Equal("keeper-state");
        At(volumes, "keeper-state", "labels", "io.claude-bottle.role").ToString().Should().Be("agent-state");
        At(volumes, "keeper-state", "labels", "io.claude-bottle.agent").ToString().Should().Be("keeper");
        var other = At(compose, "services", "other-agent");
        ((YamlSequenceNode)At(other, "volumes")).Children.Select(c => c.ToString()).Should().NotContain(v => v.Contains("state"));
        ((YamlSequenceNode)At(other, "command")).Children.Select(c => c.ToString()).Should().NotContain("--continue");
    }

    [Fact]
    public void Without_an_agent_that_resumes_the_deployment_has_no_volumes_section() =>
        Compose("""{ "agents": { "a": { "prompt": "go" } } }""").Children.Keys.Select(k => k.ToString()).Should().NotContain("volumes");
}
