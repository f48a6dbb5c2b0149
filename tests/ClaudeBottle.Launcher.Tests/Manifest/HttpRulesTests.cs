using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Tests.Manifest;

public sealed class HttpRulesTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/api/v2/")]
    [InlineData("/api/v2")]
    [InlineData("/*/*/git-receive-pack")]
    [InlineData("/repos/*/issues")]
    [InlineData("/a.b/c-d_e~f")]
    public void Path_prefixes_the_edge_can_match_are_accepted(string prefix) => HttpRules.CheckPathPrefix(prefix).Should().BeNull();

    [Theory]
    [InlineData("", "does not start with '/'")]
    [InlineData("api/", "does not start with '/'")]
    [InlineData("/a b", "white space")]
    [InlineData("/caf\u00e9", "non-ASCII")]
    [InlineData("/a#top", "query or fragment")]
    [InlineData("/a%2fb", "encoded '/'")]
    [InlineData("/a%41", "percent-encoded")]
    [InlineData("/a\\b", "separate segments with '/'")]
    [InlineData("/a//b", "'//'")]
    [InlineData("/a/./b", "'.' segment")]
    [InlineData("/..", "'..' segment")]
    [InlineData("/a*", "'*' inside a segment")]
    [InlineData("/**/x", "'*' inside a segment")]
    public void Path_prefixes_no_normalised_path_could_start_with_are_refused(string prefix, string reason) =>
        HttpRules.CheckPathPrefix(prefix).Should().Contain(reason);

    [Theory]
    [InlineData("GET", null)]
    [InlineData("M-SEARCH", null)]
    [InlineData("PROPFIND", null)]
    [InlineData("Get", "write 'GET'")]
    [InlineData("", "is empty")]
    [InlineData("GET\r\n", "is not an HTTP method")]
    public void Methods_are_upper_case_tokens(string method, string? problem)
    {
        if (problem is null) HttpRules.CheckMethod(method).Should().BeNull();
        else HttpRules.CheckMethod(method).Should().Contain(problem);
    }

    [Theory]
    [InlineData("Authorization", true)]
    [InlineData("X-Api-Key", true)]
    [InlineData("PRIVATE-TOKEN", true)]
    [InlineData("Transfer-Encoding", false)]
    [InlineData("te", false)]
    [InlineData("Trailer", false)]
    [InlineData("Upgrade", false)]
    [InlineData("Keep-Alive", false)]
    [InlineData("Connection", false)]
    [InlineData("proxy-connection", false)]
    [InlineData("X-Token:", false)]
    public void Headers_that_carry_a_credential_are_tokens_the_proxy_does_not_own(string header, bool accepted) =>
        (HttpRules.CheckHeaderName(header) is null).Should().Be(accepted);

    [Fact]
    public void A_template_lists_its_variables_in_order_each_once_and_keeps_a_lone_dollar()
    {
        HttpRules.CheckTemplate("Basic $x ${USER_NAME}:${PASS} ${USER_NAME}", out var variables).Should().BeNull();

        variables.Should().Equal("USER_NAME", "PASS");
    }

    [Theory]
    [InlineData("${CLAUDE_CODE_OAUTH_TOKEN}", "CLAUDE_CODE_OAUTH_TOKEN is set in the agent by claude-bottle itself")]
    [InlineData("${OTEL_SECRET}", "OTEL_SECRET is set in the agent by claude-bottle itself")]
    [InlineData("${9LIVES}", "does not name a variable")]
    [InlineData("${}", "does not name a variable")]
    [InlineData("token \u0000${A}", "control")]
    [InlineData("Bearer", "holds no ${NAME}")]
    public void Templates_that_would_not_make_a_secret_header_are_refused(string template, string reason)
    {
        HttpRules.CheckTemplate(template, out var variables).Should().Contain(reason);
        variables.Should().BeEmpty();
    }

    [Theory]
    [InlineData("github.com", "github.com", true)]
    [InlineData("github.com", "api.github.com", false)]
    [InlineData("*.github.com", "github.com", true)]
    [InlineData("*.github.com", "API.GitHub.com", true)]
    [InlineData("*.github.com", "*.api.github.com", true)]
    [InlineData("*.github.com", "*.github.com", true)]
    [InlineData("*.api.github.com", "*.github.com", false)]
    [InlineData("*.github.com", "notgithub.com", false)]
    [InlineData("github.com", "*.github.com", false)]
    public void An_allowlist_entry_covers_itself_and_a_wildcard_its_domain_and_everything_under_it(string entry, string host, bool covers)
    {
        HostnameRules.Covers(entry, host).Should().Be(covers);
        // The reader's lookup over many entries decides the same, among entries that cover nothing here.
        new HostSet(["unrelated.org", "*.unrelated.net", entry]).Covering(host).Should().Be(covers ? entry.ToLowerInvariant() : null);
    }
}
