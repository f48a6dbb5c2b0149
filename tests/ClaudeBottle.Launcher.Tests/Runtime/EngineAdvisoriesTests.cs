using ClaudeBottle.Launcher.Runtime;

namespace ClaudeBottle.Launcher.Tests.Runtime;

public sealed class EngineAdvisoriesTests
{
    [Theory]
    [InlineData("20.10.24+dfsg1")]
    [InlineData("23.0.10")]
    [InlineData("24.0.9")]
    [InlineData("25.0.0")]
    [InlineData("25.0.4")]
    public void Engines_with_the_internal_network_dns_leak_are_named(string version) =>
        EngineAdvisories.DnsLeak(version).Should().Contain("CVE-2024-29018").And.Contain(version);

    [Theory]
    [InlineData("23.0.11")]
    [InlineData("25.0.5")]
    [InlineData("26.1.4")]
    [InlineData("28.2.2")]
    [InlineData("unknown")]
    public void Fixed_or_unknown_engines_are_not(string version) => EngineAdvisories.DnsLeak(version).Should().BeNull();
}
