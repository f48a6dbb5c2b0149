namespace ClaudeBottle.Launcher.Resolution;

/// <summary>Where things live inside an agent container; the agent image is built to match.</summary>
public static class AgentLayout
{
    public const string User = "claude";

    /// <summary>
    /// The uid:gid every agent runs as, whatever its image's USER says: the standard image's claude. Numeric, so that no
    /// image's /etc/passwd can map it to root, and with the group given, so that no /etc/group adds supplementary ones.
    /// </summary>
    public const string UserId = "1000:1000";
    public const string Home = "/home/claude";
    public const string Workspace = "/workspace";
    /// <summary>Claude's own state: sessions and projects, history, todos. Kept between runs only when the agent resumes.</summary>
    public const string ClaudeDirectory = Home + "/.claude";
    public const string SkillsDirectory = ClaudeDirectory + "/skills";
    public const string SshDirectory = Home + "/.ssh";

    /// <summary>
    /// The agent's proxy: the bottle's edge (mitmproxy), on the internal network, which terminates the agent's TLS with
    /// the run's certificate authority, applies the bottle's rules and credentials, and forwards through pipelock.
    /// </summary>
    public const string ProxyHost = "edge";
    public const int ProxyPort = 8080;
    public static string ProxyUrl => $"http://{ProxyHost}:{ProxyPort}";

    /// <summary>pipelock's alias on the bottle's middle network (the edge's only way out), its proxy and scan API ports.</summary>
    public const string PipelockHost = "pipelock";
    public const int PipelockPort = 8888;
    public const int ScanApiPort = 9090;

    /// <summary>
    /// The edge's certificate volume, read-only in the agent: the run CA alone, with the operator's extra CAs (for
    /// NODE_EXTRA_CA_CERTS, which adds one file to Node's roots), and with the system's roots too (for tools that
    /// replace their roots with the file they are given). Certificates only; the CA's key never leaves the edge.
    /// </summary>
    public const string CaDirectory = "/var/lib/claude-bottle-ca";
    public const string AgentCaFile = CaDirectory + "/agent-ca.crt";
    public const string CaBundleFile = CaDirectory + "/bundle.crt";

    /// <summary>
    /// The upstream resolver the agent's engine DNS is given: an address from TEST-NET-1 (RFC 5737), which nothing
    /// answers. Engines with CVE-2024-29018 forward an internal network's lookups from the host's namespace when the
    /// host's resolver is on loopback, so an agent could resolve, and leak through, outside names; with this resolver
    /// they forward from the agent's own namespace, where there is no route. The bottle's own names still resolve.
    /// </summary>
    public const string NoRouteResolver = "192.0.2.1";

    /// <summary>The launching user's variable holding the Claude OAuth token; the agent sees it as CLAUDE_CODE_OAUTH_TOKEN.</summary>
    public const string TokenVariable = "CLAUDE_BOTTLE_OAUTH_TOKEN";
    public const string AgentTokenVariable = "CLAUDE_CODE_OAUTH_TOKEN";
}
