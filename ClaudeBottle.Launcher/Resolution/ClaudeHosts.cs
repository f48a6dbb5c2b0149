using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Resolution;

/// <summary>Hosts Claude Code cannot work without; every bottle's allowlist includes them.</summary>
public static class ClaudeHosts
{
    public static readonly IReadOnlyList<string> Required = ClaudeEndpoints.Hosts;
}
