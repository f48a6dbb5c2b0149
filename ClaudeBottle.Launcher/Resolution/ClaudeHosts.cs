namespace ClaudeBottle.Launcher.Resolution;

/// <summary>Hosts Claude Code cannot work without; every bottle's allowlist includes them.</summary>
public static class ClaudeHosts
{
    public static readonly IReadOnlyList<string> Required = ["api.anthropic.com", "claude.ai", "platform.claude.com"];
}
