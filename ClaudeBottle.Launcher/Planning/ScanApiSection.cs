using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// pipelock's scan API (<c>scan_api</c>, docs/scan-api.md): its DLP and prompt-injection scanners on text the edge hands
/// it, the plaintext pipelock itself never sees. Listening on every address of pipelock, which is on the middle network
/// (the edge's) and the egress network only, never the agent's; the token is the edge's, made per run.
/// </summary>
public sealed class ScanApiSection
{
    public string Listen { get; init; } = $"0.0.0.0:{AgentLayout.ScanApiPort}";

    public required ScanApiAuth Auth { get; init; }

    /// <summary>Room for one piece of 500,000 characters of text, JSON-escaped (the edge cuts larger bodies into pieces).</summary>
    public long MaxBodyBytes { get; init; } = 4L << 20;

    public ScanApiFieldLimits FieldLimits { get; init; } = new();

    /// <summary>One scan per request piece and per response piece: a busy Claude session makes several a second.</summary>
    public ScanApiRateLimit RateLimit { get; init; } = new();

    /// <summary>Only what the edge asks: what leaves (dlp) and what comes back (prompt_injection).</summary>
    public ScanApiKinds Kinds { get; init; } = new();
}

public sealed class ScanApiKinds
{
    public bool Url { get; init; }
    public bool Dlp { get; init; } = true;
    public bool PromptInjection { get; init; } = true;
    public bool ToolCall { get; init; }
}

public sealed class ScanApiAuth
{
    public required List<string> BearerTokens { get; init; }
}

public sealed class ScanApiFieldLimits
{
    public long Text { get; init; } = 2L << 20;
    public long Content { get; init; } = 2L << 20;
}

public sealed class ScanApiRateLimit
{
    public int RequestsPerMinute { get; init; } = 60000;
    public int Burst { get; init; } = 1000;
}
