using ClaudeBottle.Launcher.Cli;

namespace ClaudeBottle.Launcher.Tests.Cli;

public sealed class LaunchOptionsTests
{
    [Fact]
    public void Parses_own_switches_and_leaves_the_rest_for_aspire()
    {
        var options = LaunchOptions.Parse(["--check", "--manifest", "m.json", "--agent", "a", "--agent=b", "--yes",
            "--operation", "publish", "--output-path", "out"]);

        options.Check.Should().BeTrue();
        options.Yes.Should().BeTrue();
        options.ManifestPath.Should().Be("m.json");
        options.Agents.Should().Equal("a", "b");
        options.AspireArgs.Should().Equal("--operation", "publish", "--output-path", "out");
    }

    [Fact]
    public void Defaults_to_the_manifest_in_the_current_directory()
    {
        var options = LaunchOptions.Parse([]);

        options.ManifestPath.Should().Be("claude-bottle.json");
        options.Check.Should().BeFalse();
        options.Agents.Should().BeEmpty();
    }

    [Theory]
    [InlineData("--manifest")]
    [InlineData("--agent")]
    [InlineData("--manifest=")]
    public void A_switch_without_its_value_is_an_error(string arg) =>
        Assert.Throws<ArgumentException>(() => LaunchOptions.Parse([arg])).Message.Should().Contain("Required argument missing for option");

    [Fact]
    public void A_switch_followed_by_another_switch_is_missing_its_value() =>
        Assert.Throws<ArgumentException>(() => LaunchOptions.Parse(["--agent", "--yes"]));

    [Fact]
    public void A_flag_given_false_means_no_rather_than_a_silent_yes() =>
        LaunchOptions.Parse(["--yes=false"]).Yes.Should().BeFalse();

    [Fact]
    public void Own_switches_reach_aspire_as_claude_bottle_settings_after_its_own_arguments() =>
        LaunchOptions.Parse(["--operation", "publish", "--yes", "--agent", "a", "--agent", "b", "--attach"]).ToAspireArguments().Should().Equal(
            "--operation", "publish", "--ClaudeBottle:AutoApprove=true", "--ClaudeBottle:Attach=true", "--ClaudeBottle:Agents:0=a", "--ClaudeBottle:Agents:1=b");
}
