namespace ClaudeBottle.Launcher.Resolution;

/// <summary>Where things live inside an agent container; the agent image is built to match.</summary>
public static class AgentLayout
{
    public const string User = "claude";
    public const string Home = "/home/claude";
    public const string Workspace = "/workspace";
    public const string SkillsDirectory = Home + "/.claude/skills";
    public const string SshDirectory = Home + "/.ssh";

    /// <summary>Where extra CA certificates are mounted (read-only) in every agent, for Node via NODE_EXTRA_CA_CERTS.</summary>
    public const string ExtraCaCertificates = "/usr/local/share/claude-bottle/extra-ca-certificates.crt";

    /// <summary>The pipelock sidecar's alias on the bottle's internal network, and its one port.</summary>
    public const string ProxyHost = "pipelock";
    public const int ProxyPort = 8888;
    public static string ProxyUrl => $"http://{ProxyHost}:{ProxyPort}";

    /// <summary>The launching user's variable holding the Claude OAuth token; the agent sees it as CLAUDE_CODE_OAUTH_TOKEN.</summary>
    public const string TokenVariable = "CLAUDE_BOTTLE_OAUTH_TOKEN";
    public const string AgentTokenVariable = "CLAUDE_CODE_OAUTH_TOKEN";
}
