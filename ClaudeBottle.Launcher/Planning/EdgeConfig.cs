namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// What the edge is told in its configuration file (<c>docker/edge</c> reads it): the rules, the credentials' hosts,
/// headers and templates, the placeholders the agent holds; never a real value, which reaches the edge on its stdin.
/// </summary>
public sealed record EdgeConfig(
    string Bottle,
    int ListenPort,
    string UpstreamProxy,
    EdgeScanApi ScanApi,
    IReadOnlyList<string> Allowlist,
    IReadOnlyList<string> PassThrough,
    IReadOnlyList<string> WarnOnlyHosts,
    IReadOnlyList<EdgeCredential> Credentials,
    IReadOnlyDictionary<string, string> Placeholders,
    IReadOnlyList<EdgeRule> Rules,
    string? ExtraCaFile);
