using System.Collections.Immutable;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>
/// Which methods, path prefixes, header names and credential templates a manifest may give the edge proxy. Each check
/// returns null when the text is acceptable, else what is wrong and what to write instead.
/// </summary>
public static class HttpRules
{
    /// <summary>Headers the proxy itself sets per request or per connection: a credential there would corrupt the request.</summary>
    public static readonly IReadOnlySet<string> ReservedHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "TE", "Trailer", "Upgrade",
    };

    /// <summary>RFC 9110's token characters, which a method and a header name are made of.</summary>
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c);

    public static string? CheckMethod(string method)
    {
        if (method.Length == 0)
            return "is empty; give a method such as 'GET'";
        if (!method.All(IsTokenChar))
            return $"'{NameRules.Printable(method)}' is not an HTTP method; give a method such as 'GET' or 'POST'";
        if (method.Any(char.IsAsciiLetterLower))
            return $"'{method}' is not in upper case; methods are case-sensitive, write '{method.ToUpperInvariant()}'";
        return null;
    }

    public static string? CheckHeaderName(string header)
    {
        if (header.Length == 0)
            return "is empty; give a header name such as 'Authorization'";
        if (!header.All(IsTokenChar))
            return $"'{NameRules.Printable(header)}' is not a header name; use letters, digits and '-', e.g. 'Authorization'";
        if (ReservedHeaders.Contains(header) || header.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase))
            return $"'{header}' is set by the proxy for each request or connection and cannot carry a credential; " +
                   "name the header the service reads the credential from, e.g. 'Authorization'";
        return null;
    }

    /// <summary>
    /// A path prefix of a rule's <c>allow</c> or <c>deny</c>. The edge compares it, segment by segment, with the
    /// request's path decoded and normalised, so a prefix that could never equal such a path is refused.
    /// </summary>
    public static string? CheckPathPrefix(string prefix)
    {
        if (!prefix.StartsWith('/'))
            return $"'{NameRules.Printable(prefix)}' does not start with '/'; give a path such as '/repos/'";
        if (prefix.Any(c => c <= ' ' || c >= '\u007f'))
            return $"'{NameRules.Printable(prefix)}' holds white space, a control or a non-ASCII character; write the path as " +
                   "plain ASCII";
        if (prefix.Contains('?') || prefix.Contains('#'))
            return $"'{prefix}' holds a query or fragment; rules match the path only, so give '{prefix[..prefix.IndexOfAny(['?', '#'])]}'";
        if (prefix.Contains("%2F", StringComparison.OrdinalIgnoreCase) || prefix.Contains("%5C", StringComparison.OrdinalIgnoreCase))
            return $"'{prefix}' holds an encoded '/' or '\\'; the edge refuses such paths, so no rule can match one";
        if (prefix.Contains('%'))
            return $"'{prefix}' is percent-encoded; paths are compared decoded, so write the characters themselves";
        if (prefix.Contains('\\'))
            return $"'{prefix}' holds '\\'; separate segments with '/'";
        var segments = prefix[1..].Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment.Length == 0 && i < segments.Length - 1)
                return $"'{prefix}' holds '//'; paths are compared with '//' collapsed, so write a single '/'";
            if (segment is "." or "..")
                return $"'{prefix}' holds a '{segment}' segment; paths are compared with '.' and '..' resolved, so write the path they lead to";
            if (segment.Contains('*') && segment != "*")
                return $"'{prefix}' uses '*' inside a segment; '*' stands for one whole segment, as in '/repos/*/issues'";
        }
        return null;
    }

    /// <summary>
    /// A credential's value: text with at least one <c>${NAME}</c>, each NAME a variable of the launching environment
    /// that the manifest's env could use. <paramref name="variables"/> gets the names in order of first use, each once.
    /// </summary>
    public static string? CheckTemplate(string template, out ImmutableArray<string> variables)
    {
        variables = [];
        if (template.Any(c => (c < ' ' && c != '\t') || c >= '\u007f'))
            return "holds a line break, a control or a non-ASCII character, which a header value cannot hold";
        var names = new List<string>();
        for (var at = template.IndexOf("${", StringComparison.Ordinal); at >= 0; at = template.IndexOf("${", at, StringComparison.Ordinal))
        {
            var end = template.IndexOf('}', at);
            if (end < 0)
                return $"has '${{' without a closing '}}'; write each variable as ${{NAME}}";
            var name = template[(at + 2)..end];
            if (NameRules.ReferencedVariable("${" + name + "}") is null)
                return $"'${{{NameRules.Printable(name)}}}' does not name a variable; use letters, digits and '_', not starting with a digit";
            if (NameRules.CheckEnvName(name) is not null)
                return $"'${{{name}}}': {name} is set in the agent by claude-bottle itself, and a credential's variable reaches " +
                       "the agent (as a placeholder) under its own name; export the value under another name";
            if (!names.Contains(name))
                names.Add(name);
            at = end + 1;
        }
        if (names.Count == 0)
            return "holds no ${NAME}: a credential written into the manifest is no secret and would reach the agent; " +
                   "export it in the environment that launches claude-bottle and write e.g. \"Bearer ${GITHUB_TOKEN}\"";
        variables = [.. names];
        return null;
    }
}
