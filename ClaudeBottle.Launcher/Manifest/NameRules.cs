using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>Which bottle, agent and environment-variable names are usable.</summary>
public static partial class NameRules
{
    /// <summary>
    /// Bottle and agent names become Docker container and network names, compose service names, DNS labels and
    /// Aspire resource names; this is the subset all of them accept.
    /// </summary>
    public const int MaxNameLength = 40;

    /// <summary>
    /// Variables claude-bottle sets itself: letting a manifest override them would break egress or auth, turn Claude's
    /// nonessential traffic back on, send its telemetry somewhere else, or make it (or curl, git, Python, OpenSSL) trust another CA than the bottle's.
    /// </summary>
    public static readonly IReadOnlySet<string> ReservedEnvNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "CLAUDE_CODE_OAUTH_TOKEN",
        "CLAUDE_CODE_SUBPROCESS_ENV_SCRUB", "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "NODE_EXTRA_CA_CERTS",
        "SSL_CERT_FILE", "CURL_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "GIT_SSL_CAINFO",
    };

    /// <summary>OpenTelemetry's settings, which claude-bottle points at the bottle's own sink.</summary>
    public const string ReservedEnvPrefix = "OTEL_";

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex ResourceName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvName();

    [GeneratedRegex(@"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")]
    private static partial Regex Reference();

    // Docker's reference grammar: [registry[:port]/]path[/path...][:tag][@digest], path components in lower case.
    [GeneratedRegex(@"^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?/)?" +
                    @"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*" +
                    @"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$")]
    private static partial Regex ImageReference();

    /// <summary>Null when <paramref name="reference"/> is a valid Docker image reference, else why not.</summary>
    public static string? CheckImageReference(string reference) =>
        ImageReference().IsMatch(reference)
            ? null
            : $"'{Printable(reference)}' is not a valid image reference; expected e.g. 'registry.example.com/team/agent:1.2'";

    /// <summary>Null when <paramref name="name"/> is usable as a bottle or agent name, else why not.</summary>
    public static string? CheckResourceName(string name)
    {
        if (name.Length == 0)
            return "an empty name cannot be used";
        if (name.Length > MaxNameLength)
            return $"'{name}' is {name.Length} characters long; names are at most {MaxNameLength}";
        if (ResourceName().IsMatch(name))
            return null;
        var hint = name.Any(char.IsUpper) ? $" (try '{name.ToLowerInvariant()}')" : "";
        return $"'{name}' cannot be used as a name{hint}; use lower-case letters, digits and single hyphens, " +
               "starting with a letter, e.g. 'code-reviewer'";
    }

    /// <summary>Null when <paramref name="name"/> is a valid, non-reserved environment variable name, else why not.</summary>
    public static string? CheckEnvName(string name)
    {
        if (!EnvName().IsMatch(name))
            return $"'{Printable(name)}' is not a valid environment variable name; use letters, digits and '_', " +
                   "not starting with a digit";
        if (ReservedEnvNames.Contains(name) || name.StartsWith(ReservedEnvPrefix, StringComparison.OrdinalIgnoreCase))
            return $"'{name}' is set by claude-bottle itself (proxy, token, CA, telemetry and isolation wiring) and cannot be overridden";
        return null;
    }

    /// <summary>The variable a whole-value <c>${NAME}</c> reference names, or null for a literal.</summary>
    public static string? ReferencedVariable(string value)
    {
        var match = Reference().Match(value);
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>
    /// Makes characters that move or hide text visible as <c>\uXXXX</c> (<c>\UXXXXXXXX</c> beyond the BMP), so that
    /// what a person reads (an error, the plan, a console line, a dashboard property) stays on its line and shows all
    /// it holds. Linear in the text's length, and the text itself when there is nothing to escape.
    /// </summary>
    public static string Printable(string text)
    {
        var i = 0;
        while (i < text.Length && !char.IsSurrogate(text[i]) && !Hidden(new Rune(text[i])))
            i++;
        if (i == text.Length)
            return text;
        var shown = new StringBuilder(text.Length + 16).Append(text, 0, i);
        while (i < text.Length)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used) != OperationStatus.Done)
            {
                shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)text[i]:x4}"); // A lone surrogate: no character at all.
                i++;
                continue;
            }
            if (!Hidden(rune))
                shown.Append(text, i, used);
            else if (rune.IsBmp)
                shown.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}");
            else
                shown.Append(CultureInfo.InvariantCulture, $"\\U{rune.Value:x8}");
            i += used;
        }
        return shown.ToString();
    }

    /// <summary>
    /// Characters that move or hide text rather than show it: controls (escape sequences begin with one), bidi and
    /// zero-width marks and the invisible tag characters (all of category Format), line and paragraph separators.
    /// </summary>
    private static bool Hidden(Rune c) => Rune.IsControl(c) || Rune.GetUnicodeCategory(c) is
        UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
