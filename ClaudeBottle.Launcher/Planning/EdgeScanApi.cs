namespace ClaudeBottle.Launcher.Planning;

/// <summary>Where the edge asks pipelock to scan, and the per-run token it shows (not a user secret: see docs/security.md).</summary>
public sealed record EdgeScanApi(string Url, string Token);
