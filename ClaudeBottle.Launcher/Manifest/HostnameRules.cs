using System.Net;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>
/// Which egress allowlist entries are accepted. An entry is a host name or a <c>*.domain</c> wildcard, exactly what
/// pipelock's <c>api_allowlist</c> matches (a wildcard also matches the domain itself).
/// </summary>
public static class HostnameRules
{
    /// <summary>Null when the entry is acceptable (after lower-casing), else why not and what to write instead.</summary>
    public static string? Check(string entry)
    {
        if (entry.Length == 0)
            return "is empty; give a host name such as 'github.com'";
        if (entry.Trim() != entry || entry.Any(char.IsWhiteSpace))
            return $"'{NameRules.Printable(entry)}' contains white space; give a bare host name such as 'github.com'";
        if (entry.Contains("://", StringComparison.Ordinal))
            return $"'{entry}' is a URL; give only the host name, e.g. '{HostOf(entry)}'";
        if (entry.Any(c => c > 127))
            return $"'{entry}' contains non-ASCII characters; write internationalised names in their punycode " +
                   "('xn--') form, so that look-alike letters cannot hide which host is allowed";
        if (IPAddress.TryParse(entry.Trim('[', ']'), out _))
            return $"'{entry}' is an IP address; the allowlist matches host names only";
        if (entry.Contains('/'))
            return $"'{entry}' contains a path; give only the host name, e.g. '{entry[..entry.IndexOf('/')]}'";
        if (entry.Contains(':'))
            return $"'{entry}' has a port; the allowlist matches host names on any port, so give only " +
                   $"'{entry[..entry.IndexOf(':')]}'";
        if (entry == "*")
            return "'*' would allow every host; list the hosts the agent needs";

        var host = entry;
        if (entry.StartsWith("*.", StringComparison.Ordinal))
        {
            host = entry[2..];
            if (!host.Contains('*') && !host.Contains('.') && host.Length > 0)
                return $"'{entry}' would allow every host under a top-level domain; name the domain, " +
                       $"e.g. '*.example.{host}'";
        }
        if (host.Contains('*'))
            return $"'{entry}' uses '*' in the wrong place; a wildcard is allowed only as the whole first label, " +
                   "as in '*.example.com'";
        if (host.EndsWith('.'))
            return $"'{entry}' ends with a dot; write '{entry.TrimEnd('.')}'";

        var labels = host.Split('.');
        if (labels.Length < 2)
            return $"'{entry}' is a single label; give a fully qualified host name such as '{entry}.example.com'";
        if (host.Length > 253)
            return $"'{entry}' is longer than the 253 characters a host name may have";
        foreach (var label in labels)
        {
            if (label.Length == 0)
                return $"'{entry}' has an empty label ('..')";
            if (label.Length > 63)
                return $"'{entry}' has a label longer than 63 characters";
            if (!label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                return $"'{entry}' is not a valid host name; labels hold only letters, digits and '-'";
            if (label.StartsWith('-') || label.EndsWith('-'))
                return $"'{entry}' is not a valid host name; a label cannot start or end with '-'";
        }
        if (labels[^1].All(char.IsAsciiDigit))
            return $"'{entry}' is not a host name (its last label is numeric)";
        return host.Length < entry.Length ? PublicSuffixProblem(entry, host.ToLowerInvariant()) : null;
    }

    /// <summary>
    /// Whether allowlist-style <paramref name="entry"/> covers <paramref name="host"/> (both already checked, any case):
    /// an exact entry covers only itself; <c>*.d</c> covers <c>d</c>, every name under it, and every wildcard
    /// <c>*.x</c> whose <c>x</c> it covers. An exact entry never covers a wildcard.
    /// </summary>
    public static bool Covers(string entry, string host)
    {
        entry = entry.ToLowerInvariant();
        host = host.ToLowerInvariant();
        if (!entry.StartsWith("*.", StringComparison.Ordinal))
            return entry == host;
        var domain = entry[2..];
        var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        return name == domain || name.EndsWith("." + domain, StringComparison.Ordinal);
    }

    /// <summary>A wildcard over a public suffix, or over a domain with one beneath it, would reach unrelated owners' hosts.</summary>
    private static string? PublicSuffixProblem(string entry, string domain)
    {
        const string list = $"(Public Suffix List of {PublicSuffixList.Date})";
        if (PublicSuffixList.IsPublicSuffix(domain))
            return $"'{entry}' would allow every host under '{domain}', a public suffix whose names belong to unrelated " +
                   $"owners {list}; list the hosts the agent needs, e.g. 'www.example.{domain}', or a wildcard one level down, " +
                   $"e.g. '*.example.{domain}'";
        if (PublicSuffixList.SuffixBeneath(domain) is { } beneath)
            return $"'{entry}' would also allow every host under '{beneath}', a public suffix beneath '{domain}' whose names " +
                   $"belong to unrelated owners {list}; list the hosts the agent needs instead, e.g. '{domain}' and " +
                   $"'www.{domain}'";
        return null;
    }

    private static string HostOf(string url)
    {
        var rest = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var end = rest.IndexOfAny(['/', ':', '?', '#']);
        return end < 0 ? rest : rest[..end];
    }
}
