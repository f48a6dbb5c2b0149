using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Tests.Manifest;

public sealed class CredentialsManifestTests
{
    private const string Egress = """ "egress": { "allowlist": ["api.github.com", "*.example.com"], "passThrough": ["pinned.example.com"] } """;

    private static string Bottle(string credential) => $$"""{ {{Egress}}, "credentials": [ {{credential}} ] }""";

    [Fact]
    public void A_credential_keeps_its_template_and_the_variables_it_uses_in_order_once()
    {
        var bottle = BottleJson.Load($$"""
            { "credentials": [
                { "host": "API.GitHub.com", "header": "Authorization", "value": "Bearer ${GITHUB_TOKEN}" },
                { "host": "api.example.com", "header": "X-Api-Key", "value": "${KEY_ID}:${KEY_SECRET}:${KEY_ID}" } ],
              {{Egress}} }
            """);

        bottle.Credentials.Should().HaveCount(2);
        bottle.Credentials[0].Should().BeEquivalentTo(new CredentialSpec(
            "bottles.dev.credentials[0]", "api.github.com", "Authorization", "Bearer ${GITHUB_TOKEN}", ["GITHUB_TOKEN"]));
        bottle.Credentials[1].Variables.Should().Equal("KEY_ID", "KEY_SECRET");
        bottle.Credentials[1].Template.Should().Be("${KEY_ID}:${KEY_SECRET}:${KEY_ID}");
    }

    [Fact]
    public void A_bottle_without_credentials_has_none_and_an_empty_list_is_fine()
    {
        BottleJson.Load("{}").Credentials.Should().BeEmpty();
        BottleJson.Load("""{ "credentials": [] }""").Credentials.Should().BeEmpty();
    }

    [Fact]
    public void A_credential_may_go_to_one_of_claudes_hosts_allowlisted_by_default_except_the_tokens_own_header()
    {
        BottleJson.Load("""{ "credentials": [ { "host": "claude.ai", "header": "Authorization", "value": "Bearer ${CLAUDE_BOTTLE_OAUTH_TOKEN}" } ] }""")
            .Credentials.Single().Host.Should().Be("claude.ai");

        var error = BottleJson.Error("""{ "credentials": [ { "host": "api.anthropic.com", "header": "authorization", "value": "Bearer ${T}" } ] }""");
        error.Path.Should().Be("bottles.dev.credentials[0]");
        error.Message.Should().Contain("claude-bottle already sets Authorization on api.anthropic.com").And.Contain("remove this credential");
    }

    [Theory]
    [InlineData("""{ "host": "*.example.com", "header": "A", "value": "${T}" }""", "bottles.dev.credentials[0].host", "is a wildcard; a credential goes to one named host, so give that host, e.g. 'api.example.com'")]
    [InlineData("""{ "host": "gitlab.com", "header": "A", "value": "${T}" }""", "bottles.dev.credentials[0].host", "'gitlab.com' is not in the bottle's egress allowlist")]
    [InlineData("""{ "host": "pinned.example.com", "header": "A", "value": "${T}" }""", "bottles.dev.credentials[0].host", "is passed through ('pinned.example.com' in \"passThrough\")")]
    [InlineData("""{ "host": "10.0.0.1", "header": "A", "value": "${T}" }""", "bottles.dev.credentials[0].host", "IP address")]
    [InlineData("""{ "host": "api.github.com", "header": "Host", "value": "${T}" }""", "bottles.dev.credentials[0].header", "'Host' is set by the proxy")]
    [InlineData("""{ "host": "api.github.com", "header": "content-length", "value": "${T}" }""", "bottles.dev.credentials[0].header", "set by the proxy")]
    [InlineData("""{ "host": "api.github.com", "header": "Proxy-Authorization", "value": "${T}" }""", "bottles.dev.credentials[0].header", "set by the proxy")]
    [InlineData("""{ "host": "api.github.com", "header": "X Token", "value": "${T}" }""", "bottles.dev.credentials[0].header", "is not a header name")]
    [InlineData("""{ "host": "api.github.com", "header": "Authorization", "value": "Bearer ghp_literal" }""", "bottles.dev.credentials[0].value", "holds no ${NAME}")]
    [InlineData("""{ "host": "api.github.com", "header": "Authorization", "value": "Bearer ${github-token}" }""", "bottles.dev.credentials[0].value", "'${github-token}' does not name a variable")]
    [InlineData("""{ "host": "api.github.com", "header": "Authorization", "value": "Bearer ${TOKEN" }""", "bottles.dev.credentials[0].value", "without a closing '}'")]
    [InlineData("""{ "host": "api.github.com", "header": "Authorization", "value": "Bearer ${HTTPS_PROXY}" }""", "bottles.dev.credentials[0].value", "HTTPS_PROXY is set in the agent by claude-bottle itself")]
    [InlineData("""{ "host": "api.github.com", "header": "Authorization", "value": "Bearer ${T}\r\nX-Evil: 1" }""", "bottles.dev.credentials[0].value", "holds a line break")]
    [InlineData("""{ "host": "api.github.com", "header": "Authorization" }""", "bottles.dev.credentials[0]", "has no \"value\"")]
    [InlineData("""{ "host": "api.github.com", "header": "Authorization", "value": "${T}", "scheme": "Bearer" }""", "bottles.dev.credentials[0].scheme", "unknown key 'scheme'")]
    [InlineData("""{ "host": "api.github.com", "header": "Authorization", "value": 42 }""", "bottles.dev.credentials[0].value", "must be a string, not a number")]
    [InlineData(""" "api.github.com" """, "bottles.dev.credentials[0]", "must be an object, not a string")]
    public void A_bad_credential_is_one_error_at_its_json_path(string credential, string path, string message)
    {
        var error = BottleJson.Error(Bottle(credential));

        error.Path.Should().Be(path);
        error.Message.Should().Contain(message);
    }

    [Fact]
    public void Two_credentials_for_one_host_and_header_are_refused_whatever_the_headers_case()
    {
        var error = BottleJson.Error(Bottle("""
            { "host": "api.github.com", "header": "Authorization", "value": "Bearer ${A}" },
            { "host": "api.github.com", "header": "X-Other", "value": "${A}" },
            { "host": "api.github.com", "header": "AUTHORIZATION", "value": "token ${B}" }
            """));

        error.Path.Should().Be("bottles.dev.credentials[2]");
        error.Message.Should().Contain("as bottles.dev.credentials[0] already does; keep one");
    }

    [Fact]
    public void Credentials_are_a_bottle_key_not_an_agent_key()
    {
        var errors = Assert.Throws<ManifestException>(() => ManifestLoader.Parse(
            """{ "agents": { "a": { "credentials": [] } } }""", BottleJson.File, Path.GetTempPath())).Errors;

        errors.Should().ContainSingle().Which.Path.Should().Be("agents.a.credentials");
    }

    [Theory]
    [InlineData("SSL_CERT_FILE")]
    [InlineData("curl_ca_bundle")]
    [InlineData("REQUESTS_CA_BUNDLE")]
    [InlineData("GIT_SSL_CAINFO")]
    [InlineData("NODE_EXTRA_CA_CERTS")]
    public void The_ca_variables_the_launcher_sets_cannot_be_set_by_the_manifest(string name)
    {
        var error = BottleJson.Error($$"""{ "env": { "{{name}}": "/etc/ssl/mine.pem" } }""");

        error.Path.Should().Be($"bottles.dev.env.{name}");
        error.Message.Should().Contain("is set by claude-bottle itself").And.Contain("CA");
    }
}
