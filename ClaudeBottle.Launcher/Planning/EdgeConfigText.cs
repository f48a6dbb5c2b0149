using System.Text.Json;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Planning;

/// <summary>A bottle's edge configuration (<see cref="EdgeConfig"/>), as the text of its file.</summary>
public static class EdgeConfigText
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    /// <summary>
    /// The edge's view of <paramref name="bottle"/>: the placeholders, never the values, and pipelock's scan API by its
    /// name on the middle network, with <paramref name="scanApiToken"/>.
    /// </summary>
    public static EdgeConfig ConfigFor(ResolvedBottle bottle, string scanApiToken, bool extraCa) => new(
        Bottle: bottle.Name,
        ListenPort: AgentLayout.ProxyPort,
        UpstreamProxy: $"http://{AgentLayout.PipelockHost}:{AgentLayout.PipelockPort}",
        ScanApi: new EdgeScanApi($"http://{AgentLayout.PipelockHost}:{AgentLayout.ScanApiPort}/api/v1/scan", scanApiToken),
        Allowlist: bottle.Allowlist,
        PassThrough: bottle.PassThrough,
        // Claude's own answers are the model's output: a false positive there would stop every run, so it is flagged.
        WarnOnlyHosts: ClaudeHosts.Required,
        Credentials: [.. bottle.Credentials.Select(c => new EdgeCredential(c.Name, c.Host, c.Header, c.Template))],
        Placeholders: bottle.Secrets.ToDictionary(s => s.Variable, s => s.Placeholder, StringComparer.Ordinal),
        Rules: [.. bottle.Rules.Select(r => new EdgeRule(r.Name, r.Host, r.Methods, r.Allow, r.Deny))],
        ExtraCaFile: extraCa ? EdgeProxy.ExtraCaPath : null);

    public static string Write(ResolvedBottle bottle, string scanApiToken, bool extraCa) =>
        JsonSerializer.Serialize(ConfigFor(bottle, scanApiToken, extraCa), Json) + "\n";
}
