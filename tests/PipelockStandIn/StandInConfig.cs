using YamlDotNet.RepresentationModel;

namespace PipelockStandIn;

/// <summary>The keys of pipelock's config that the stand-in honours, read from the same file.</summary>
internal sealed record StandInConfig(string Mode, IReadOnlyList<string> Allowlist, string Listen, bool ForwardProxy, string Agent, string? MetricsListen, ScanApiConfig? ScanApi)
{
    public static StandInConfig Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(path))
            stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents.Single().RootNode;
        return new StandInConfig(
            Mode: Scalar(root, "mode") ?? "balanced",
            Allowlist: root.Children.TryGetValue("api_allowlist", out var list)
                ? ((YamlSequenceNode)list).Children.Select(n => ((YamlScalarNode)n).Value!.ToLowerInvariant()).ToList()
                : [],
            Listen: Scalar(root, "fetch_proxy", "listen") ?? "127.0.0.1:8888",
            ForwardProxy: Scalar(root, "forward_proxy", "enabled") == "true",
            Agent: Scalar(root, "default_agent_identity") ?? "anonymous",
            MetricsListen: Scalar(root, "metrics_listen") is { Length: > 0 } metrics ? metrics : null,
            ScanApi: ScanApiConfig.Read(root));
    }

    /// <summary>
    /// pipelock's dlp.scan_env: values of its own environment of 16+ characters and some entropy are secrets that must
    /// not leave in a URL.
    /// </summary>
    public static IReadOnlyList<string> EnvironmentSecrets { get; } = System.Environment.GetEnvironmentVariables().Values.Cast<string>()
        .Where(v => v.Length >= 16 && Entropy(v) > 3.0 && !v.Contains('/'))
        .ToList();

    private static double Entropy(string value) =>
        -value.GroupBy(c => c).Sum(g => (double)g.Count() / value.Length * Math.Log2((double)g.Count() / value.Length));

    /// <summary>pipelock enforces the allowlist only in strict mode; '*.d' matches d and its subdomains.</summary>
    public bool Allows(string host)
    {
        if (Mode != "strict")
            return true;
        host = host.ToLowerInvariant();
        return Allowlist.Any(entry => entry.StartsWith("*.", StringComparison.Ordinal)
            ? host == entry[2..] || host.EndsWith(entry[1..], StringComparison.Ordinal)
            : host == entry);
    }

    private static string? Scalar(YamlMappingNode node, params string[] path)
    {
        foreach (var key in path[..^1])
        {
            if (!node.Children.TryGetValue(key, out var child) || child is not YamlMappingNode mapping)
                return null;
            node = mapping;
        }
        return node.Children.TryGetValue(path[^1], out var value) ? ((YamlScalarNode)value).Value : null;
    }
}
