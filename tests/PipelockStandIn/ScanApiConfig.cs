using YamlDotNet.RepresentationModel;

namespace PipelockStandIn;

/// <summary>
/// pipelock's <c>scan_api</c> keys, as the stand-in honours them: where it listens (off when unset), the bearer tokens,
/// the body and field limits (pipelock's defaults when unset), and which kinds are on.
/// </summary>
internal sealed record ScanApiConfig(
    string Listen,
    IReadOnlyList<string> BearerTokens,
    long MaxBodyBytes,
    int TextLimit,
    int ContentLimit,
    int UrlLimit,
    IReadOnlySet<string> Kinds)
{
    public static ScanApiConfig? Read(YamlMappingNode root)
    {
        if (!root.Children.TryGetValue("scan_api", out var node) || node is not YamlMappingNode scan)
            return null;
        if (Scalar(scan, "listen") is not { Length: > 0 } listen)
            return null;
        var tokens = Child(scan, "auth") is { } auth && auth.Children.TryGetValue("bearer_tokens", out var list) && list is YamlSequenceNode sequence
            ? sequence.Children.Select(n => ((YamlScalarNode)n).Value ?? "").Where(t => t.Length > 0).ToList()
            : [];
        var limits = Child(scan, "field_limits");
        var kinds = Child(scan, "kinds");
        return new ScanApiConfig(
            listen,
            tokens,
            long.TryParse(Scalar(scan, "max_body_bytes"), out var max) && max > 0 ? max : 1_048_576,
            Limit(limits, "text", 524_288),
            Limit(limits, "content", 524_288),
            Limit(limits, "url", 8_192),
            // pipelock 2.3.0's defaults (config/defaults.go): every kind on unless the file turns it off.
            new[] { "url", "dlp", "prompt_injection", "tool_call" }.Where(k => kinds is null || Scalar(kinds, k) != "false").ToHashSet());
    }

    private static int Limit(YamlMappingNode? limits, string key, int fallback) =>
        limits is not null && int.TryParse(Scalar(limits, key), out var value) && value > 0 ? value : fallback;

    private static YamlMappingNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var child) ? child as YamlMappingNode : null;

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) && value is YamlScalarNode scalar ? scalar.Value : null;
}
