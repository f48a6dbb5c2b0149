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

    [Fact]
    public void Eight_thousand_blocked_hosts_show_as_the_top_ten_and_others()
    {
        var summary = new EgressSummary();
        for (var i = 0; i < 8_000; i++)
            summary.Add(Decision(false, $"host-{i}.example"));
        for (var i = 0; i < 3; i++)
            summary.Add(Decision(false, "often.example"));
        summary.Add(Decision(false, "host-7.example"));

        var shown = summary.Blocked.Split(", ");

        shown.Should().HaveCount(EgressSummary.MaxShown + 1);
        shown[0].Should().Be("host-7.example (2)", "most tried first; often.example came after the table was full");
        shown[^1].Should().Be($"others ({8_000 + 3 + 1 - 2 - (EgressSummary.MaxShown - 1)})");
        summary.BlockedHosts.Should().Be(EgressSummary.MaxTracked, "hosts beyond the table are counted, not kept");
        summary.Blocked.Length.Should().BeLessThan(1_000);
    }

    [Fact]
    public void A_host_name_longer_than_dns_allows_is_counted_among_others()
    {
        var summary = new EgressSummary();

        summary.Add(Decision(false, new string('a', 100_000) + ".example")).Should().BeFalse();

        summary.Blocked.Should().Be("others (1)");
    }

    [Fact]
    public void Counts_stay_exact_for_hosts_in_the_table()
    {
        var summary = new EgressSummary();
        for (var i = 0; i < 12; i++)
            for (var j = 0; j <= i; j++)
                summary.Add(Decision(true, $"h{i:00}.example"));

        summary.Allowed.Should().StartWith("h11.example (12), h10.example (11), ").And.EndWith("h02.example (3), others (3)");
    }

    [Fact]
    public void A_host_allowed_live_is_listed_not_counted_and_the_blocked_hosts_are_named_most_tried_first()
    {
        var summary = new EgressSummary();
        summary.Add(Decision(false, "pypi.org"));
        summary.Add(Decision(false, "pypi.org"));
        summary.Add(Decision(false, "evil.example"));

        summary.BlockedHostNames().Should().Equal("pypi.org", "evil.example");
        summary.LiveAllowed.Should().Be("(none)");
        var live = EgressDecision.TryParse("""{"time":"2026-12-02T01:00:00.000Z","level":"info","event":"allowed_live","agent":"a","target":"pypi.org","scanner":"dashboard","inspected":false,"reason":"allowed for the rest of the run from the dashboard"}""")!;
        live.Live.Should().BeTrue();
        live.Allowed.Should().BeTrue();

        summary.Add(live).Should().BeTrue("shown at once");
        summary.Add(live).Should().BeFalse();

        summary.LiveAllowed.Should().Be("pypi.org");
        summary.LiveAllowedHosts().Should().Equal("pypi.org");
        summary.Allowed.Should().Be("(none)", "allowing a host is no request to it");
    }
}
