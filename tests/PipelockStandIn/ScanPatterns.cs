using System.Text.RegularExpressions;

namespace PipelockStandIn;

/// <summary>
/// A few of pipelock 2.3.0's built-in DLP patterns and response-injection patterns, under pipelock's names (its rule ids
/// are "DLP-" and "INJ-" + the name). The expressions are the stand-in's own, narrower than pipelock's.
/// </summary>
internal static class ScanPatterns
{
    public static readonly IReadOnlyList<(string Name, Regex Regex)> Dlp =
    [
        ("Anthropic API Key", new Regex(@"sk-ant-[a-zA-Z0-9\-_]{10,}", RegexOptions.IgnoreCase)),
        ("GitHub Token", new Regex(@"gh[pousr]_[A-Za-z0-9_]{36,}", RegexOptions.IgnoreCase)),
        ("GitHub Fine-Grained PAT", new Regex(@"github_pat_[a-zA-Z0-9_]{36,}", RegexOptions.IgnoreCase)),
        ("AWS Access ID", new Regex(@"(AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16,}")),
        ("Private Key Header", new Regex(@"-----BEGIN\s+(RSA\s+|EC\s+|DSA\s+|OPENSSH\s+)?PRIVATE\s+KEY-----", RegexOptions.IgnoreCase)),
    ];

    public static readonly IReadOnlyList<(string Name, Regex Regex)> Injection =
    [
        ("Prompt Injection", new Regex(@"(ignore|disregard|forget)\s+(all\s+)?(previous|prior|above)\s+(instructions|prompts|rules)", RegexOptions.IgnoreCase)),
        ("Jailbreak Attempt", new Regex(@"developer\s+mode|unrestricted\s+mode", RegexOptions.IgnoreCase)),
        ("Hidden Instruction", new Regex(@"do\s+not\s+(tell|reveal|show)\s+this\s+to\s+the\s+user", RegexOptions.IgnoreCase)),
    ];
}
