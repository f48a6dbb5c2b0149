namespace ClaudeBottle.Launcher.Manifest;

/// <summary>
/// Allowlist-style entries, looked up by the host they cover (as <see cref="HostnameRules.Covers"/> decides) in time
/// proportional to the host's labels, not to the number of entries: a manifest may hold many of both.
/// </summary>
internal sealed class HostSet
{
    private readonly HashSet<string> _exact = new(StringComparer.Ordinal);
    private readonly HashSet<string> _wildcardDomains = new(StringComparer.Ordinal);

    public HostSet(IEnumerable<string> entries)
    {
        foreach (var entry in entries.Select(e => e.ToLowerInvariant()))
        {
            if (entry.StartsWith("*.", StringComparison.Ordinal)) _wildcardDomains.Add(entry[2..]);
            else _exact.Add(entry);
        }
    }

    /// <summary>An entry covering <paramref name="host"/> (a host or a <c>*.domain</c>), or null.</summary>
    public string? Covering(string host)
    {
        host = host.ToLowerInvariant();
        var wildcard = host.StartsWith("*.", StringComparison.Ordinal);
        if (!wildcard && _exact.Contains(host))
            return host;
        // *.d covers d and every name under it: try the name itself, then each parent domain.
        for (var name = wildcard ? host[2..] : host; ; name = name[(name.IndexOf('.') + 1)..])
        {
            if (_wildcardDomains.Contains(name))
                return "*." + name;
            if (!name.Contains('.'))
                return null;
        }
    }
}
