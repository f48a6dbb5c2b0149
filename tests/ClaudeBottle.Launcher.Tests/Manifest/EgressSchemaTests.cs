using System.Text.Json;
using ClaudeBottle.Launcher.Manifest;
using Json.Schema;

namespace ClaudeBottle.Launcher.Tests.Manifest;

/// <summary>docs/claude-bottle.schema.json and the loader agree on rules, pass-through and credentials.</summary>
public sealed class EgressSchemaTests
{
    private static JsonSchema Schema => ManifestSchema.Value;

    private const string Allow = """ "allowlist": ["api.github.com", "github.com", "*.example.com"] """;

    public static TheoryData<string, bool, bool> Cases => new()
    {
        // bottle, the loader accepts, the schema accepts
        { $$"""{ "egress": { {{Allow}}, "rules": [ { "host": "api.github.com", "methods": ["GET", "HEAD"] }, { "host": "github.com", "deny": ["/*/*/git-receive-pack"] }, { "host": "*.example.com", "allow": ["/api/v2/", "/"] } ], "passThrough": ["pinned.example.com"] }, "credentials": [ { "host": "api.github.com", "header": "Authorization", "value": "Bearer ${GITHUB_TOKEN}" } ] }""", true, true },
        { $$"""{ "egress": { {{Allow}}, "rules": [ { "host": "github.com" } ] } }""", false, false },
        { $$"""{ "egress": { {{Allow}}, "rules": [ { "methods": ["GET"] } ] } }""", false, false },
        { $$"""{ "egress": { {{Allow}}, "rules": [ { "host": "github.com", "methods": [] } ] } }""", false, false },
        { $$"""{ "egress": { {{Allow}}, "rules": [ { "host": "github.com", "methods": ["get"] } ] } }""", false, false },
        { $$"""{ "egress": { {{Allow}}, "rules": [ { "host": "github.com", "allow": ["/a/../b"] } ] } }""", false, false },
        { $$"""{ "egress": { {{Allow}}, "rules": [ { "host": "github.com", "allow": ["/a/./b"] } ] } }""", false, false },
        { $$"""{ "egress": { {{Allow}}, "rules": [ { "host": "github.com", "deny": ["/a%2Fb"] } ] } }""", false, false },
        { $$"""{ "egress": { {{Allow}}, "rules": [ { "host": "github.com", "deny": ["/a?b"] } ] } }""", false, false },
        { $$"""{ "egress": { {{Allow}}, "rules": [ { "host": "github.com", "deny": ["/git-*"] } ] } }""", false, false },
        { $$"""{ "egress": { {{Allow}}, "rules": [ { "host": "github.com", "deny": ["/a//b"] } ] } }""", false, false },
        { $$"""{ "egress": { {{Allow}}, "rules": [ { "host": "github.com", "deny": ["a/"] } ] } }""", false, false },
        { $$"""{ "egress": { {{Allow}}, "rules": [ { "host": "github.com", "deny": ["/x"], "extra": 1 } ] } }""", false, false },
        { $$"""{ "egress": { {{Allow}}, "passThrough": ["https://pinned.example.com"] } }""", false, false },
        { $$"""{ "egress": { {{Allow}} }, "credentials": [ { "host": "*.example.com", "header": "A", "value": "${T}" } ] }""", false, false },
        { $$"""{ "egress": { {{Allow}} }, "credentials": [ { "host": "api.github.com", "header": "proxy-authorization", "value": "${T}" } ] }""", false, false },
        { $$"""{ "egress": { {{Allow}} }, "credentials": [ { "host": "api.github.com", "header": "Content-Length", "value": "${T}" } ] }""", false, false },
        { $$"""{ "egress": { {{Allow}} }, "credentials": [ { "host": "api.github.com", "header": "Authorization", "value": "Bearer literal" } ] }""", false, false },
        { $$"""{ "egress": { {{Allow}} }, "credentials": [ { "host": "api.github.com", "header": "Authorization" } ] }""", false, false },
        { $$"""{ "egress": { {{Allow}} }, "credentials": [ { "host": "api.github.com", "header": "Authorization", "value": "${T}\n" } ] }""", false, false },
        { """{ "env": { "SSL_CERT_FILE": "/x" } }""", false, false },
        { """{ "env": { "git_ssl_cainfo": "/x" } }""", false, false },
        // Cross-references the schema cannot see: the loader alone refuses them.
        { $$"""{ "egress": { {{Allow}}, "rules": [ { "host": "gitlab.com", "methods": ["GET"] } ] } }""", false, true },
        { $$"""{ "egress": { {{Allow}}, "passThrough": ["api.anthropic.com"] } }""", false, true },
        { $$"""{ "egress": { {{Allow}} }, "credentials": [ { "host": "gitlab.com", "header": "A", "value": "${T}" } ] }""", false, true },
        { $$"""{ "egress": { {{Allow}} }, "credentials": [ { "host": "api.github.com", "header": "A", "value": "${HTTP_PROXY}" } ] }""", false, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Schema_and_loader_agree_where_the_schema_can_see(string bottle, bool loaderAccepts, bool schemaAccepts)
    {
        var json = BottleJson.Manifest(bottle);

        Loads(json).Should().Be(loaderAccepts, bottle);
        using var document = JsonDocument.Parse(json, ManifestLoader.JsonOptions);
        Schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid
            .Should().Be(schemaAccepts, bottle);
    }

    private static bool Loads(string json)
    {
        try
        {
            ManifestLoader.Parse(json, BottleJson.File, Path.GetTempPath());
            return true;
        }
        catch (ManifestException)
        {
            return false;
        }
    }
}
