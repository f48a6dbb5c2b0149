using ClaudeBottle.Launcher.Telemetry;

namespace ClaudeBottle.Launcher.Tests.Telemetry;

/// <summary>pipelock 2.3.0's log lines (field names from internal/audit/logger.go) read as egress decisions.</summary>
public sealed class EgressDecisionTests
{
    [Fact]
    public void A_blocked_connect_names_the_host_the_scanner_and_the_reason()
    {
        var decision = EgressDecision.TryParse("""{"level":"warn","time":"2026-11-27T01:02:03Z","component":"pipelock","event":"blocked","method":"CONNECT","target":"evil.example:443","client_ip":"10.213.0.3","scanner":"allowlist","reason":"domain not in allowlist: evil.example","agent":"a","mitre_technique":"T1071"}""");

        decision.Should().NotBeNull();
        decision!.Allowed.Should().BeFalse();
        decision.Host.Should().Be("evil.example");
        decision.Method.Should().Be("CONNECT");
        decision.Scanner.Should().Be("allowlist");
        decision.Reason.Should().Be("domain not in allowlist: evil.example");
        decision.Time.Should().Be(new DateTimeOffset(2026, 11, 27, 1, 2, 3, TimeSpan.Zero));
    }

    [Theory]
    [InlineData("""{"level":"info","event":"tunnel_open","target":"api.anthropic.com:443","agent":"a"}""", "api.anthropic.com")]
    [InlineData("""{"level":"info","event":"forward_http","method":"GET","url":"http://Registry.NPMJS.org/express","status_code":200}""", "registry.npmjs.org")]
    [InlineData("""{"level":"info","event":"allowed","method":"GET","url":"https://api.github.com/repos/x/y","scanner":""}""", "api.github.com")]
    public void Tunnels_forwarded_requests_and_fetches_are_allowed_decisions(string line, string host)
    {
        var decision = EgressDecision.TryParse(line);

        decision.Should().NotBeNull();
        decision!.Allowed.Should().BeTrue();
        decision.Host.Should().Be(host);
        decision.Scanner.Should().BeNull("an empty scanner means none");
    }

    [Fact]
    public void A_url_reduced_by_dlp_still_names_its_host()
    {
        var decision = EgressDecision.TryParse("""{"level":"warn","event":"blocked","method":"GET","url":"http://allowed.test","scanner":"dlp","reason":"environment variable leak detected"}""");

        decision!.Host.Should().Be("allowed.test");
        decision.Target.Should().Be("http://allowed.test");
    }

    [Theory]
    [InlineData("""{"level":"info","event":"startup","detail":"proxy started on :8888"}""")]
    [InlineData("""{"level":"info","event":"tunnel_close","target":"api.anthropic.com:443","total_bytes":5}""")]
    [InlineData("""{"level":"warn","event":"blocked","method":"GET"}""")]
    [InlineData("""pipelock v2.3.0 starting""")]
    [InlineData("""["event","blocked"]""")]
    [InlineData("""{"event":"blocked","target":""" + "\"" + """evil""")]
    [InlineData("")]
    public void Other_lines_are_not_decisions(string line) => EgressDecision.TryParse(line).Should().BeNull();
}
