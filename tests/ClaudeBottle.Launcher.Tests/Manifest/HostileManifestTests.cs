using System.Text;
using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Tests.Manifest;

/// <summary>Hostile manifests too large to keep in the corpus: each gives a clear error and nothing else.</summary>
public sealed class HostileManifestTests
{
    [Fact]
    public void Thousands_of_agents_are_refused_with_the_limit()
    {
        var json = new StringBuilder("{ \"agents\": {");
        for (var i = 0; i < 5000; i++)
            json.Append(i == 0 ? "" : ",").Append($"\"a{i}\": {{}}");
        json.Append("} }");

        var error = Assert.Throws<ManifestException>(() => ManifestLoader.Parse(json.ToString(), "m.json", Path.GetTempPath())).Errors.Single();

        error.Path.Should().Be("agents");
        error.Message.Should().Contain("defines 5000 agents").And.Contain($"at most {ManifestReader.MaxAgents}");
    }

    [Fact]
    public void The_most_agents_allowed_are_accepted()
    {
        var agents = string.Join(",", Enumerable.Range(0, ManifestReader.MaxAgents).Select(i => $"\"a{i}\": {{}}"));

        ManifestLoader.Parse($"{{ \"agents\": {{ {agents} }} }}", "m.json", Path.GetTempPath()).Agents.Should().HaveCount(ManifestReader.MaxAgents);
    }

    [Fact]
    public void A_huge_string_value_is_refused_before_parsing()
    {
        var json = $"{{ \"agents\": {{ \"a\": {{ \"prompt\": \"{new string('x', ManifestLoader.MaxBytes)}\" }} }} }}";

        Assert.Throws<ManifestException>(() => ManifestLoader.Parse(json, "m.json", Path.GetTempPath())).Errors.Single()
            .Message.Should().Contain("a manifest may be at most");
    }
}
