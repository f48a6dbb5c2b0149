using ClaudeBottle.Launcher.Telemetry;

namespace ClaudeBottle.Launcher.Tests.Telemetry;

public sealed class EgressSummaryTests
{
    private static EgressDecision Decision(bool allowed, string host) => new(allowed, host, "CONNECT", $"{host}:443", null, null, DateTimeOffset.UtcNow);

    [Fact]
    public void Hosts_are_counted_per_decision_most_used_first()
    {
        var summary = new EgressSummary();

        summary.Add(Decision(true, "registry.npmjs.org")).Should().BeTrue("a host seen for the first time");
        summary.Add(Decision(true, "api.anthropic.com"));
        summary.Add(Decision(true, "api.anthropic.com")).Should().BeFalse();
        summary.Add(Decision(false, "evil.example")).Should().BeTrue("blocked is a column of its own");
        summary.Add(Decision(false, "api.anthropic.com")).Should().BeTrue();

        summary.Allowed.Should().Be("api.anthropic.com (2), registry.npmjs.org (1)");
        summary.Blocked.Should().Be("api.anthropic.com (1), evil.example (1)");
    }

    [Fact]
    public void An_empty_summary_says_none() => new EgressSummary().Blocked.Should().Be("(none)");
}
