using System.Collections.Immutable;
using System.Text.Json;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>Reading a bottle's egress: its allowlist, the rules narrowing allowlisted hosts, the hosts passed through.</summary>
internal sealed partial class ManifestReader
{
    /// <summary>
    /// What a bottle's rules and credentials are checked against: Claude's hosts and the bottle's allowlist, and the
    /// hosts passed through. <see cref="Checked"/> is false when the lists had errors of their own, so that those are not
    /// repeated as "not in the allowlist" on every rule and credential.
    /// </summary>
    private sealed class EgressScope(ImmutableArray<string> allowlist, ImmutableArray<string> passThrough, bool @checked)
    {
        public ImmutableArray<string> Allowlist { get; } = allowlist;
        public ImmutableArray<string> PassThrough { get; } = passThrough;
        public bool Checked { get; } = @checked;

        private readonly HostSet _allowed = new(allowlist);
        private readonly HostSet _passedThrough = new(passThrough);

        public static EgressScope Default { get; } = new([.. ClaudeEndpoints.Hosts], [], true);

        public bool Allows(string host) => _allowed.Covering(host) is not null;

        public string? PassedThroughBy(string host) => _passedThrough.Covering(host);
    }

    private (BottleSpec Spec, EgressScope Scope) ReadEgress(JsonElement element, string path, BottleSpec spec)
    {
        var parts = Properties(element, path, EgressKeys).ToDictionary(p => p.Key, p => (p.Value, p.Path));
        var before = _errors.Count;
        var allowlist = parts.TryGetValue("allowlist", out var a) ? ReadHostList(a.Value, a.Path) : [];
        var scope = new EgressScope([.. ClaudeEndpoints.Hosts.Concat(allowlist).Distinct(StringComparer.Ordinal)], [], _errors.Count == before);
        if (parts.TryGetValue("passThrough", out var p))
        {
            before = _errors.Count;
            var passThrough = ReadPassThrough(p.Value, p.Path, scope);
            scope = new EgressScope(scope.Allowlist, passThrough, scope.Checked && _errors.Count == before);
        }
        var rules = parts.TryGetValue("rules", out var r) ? ReadRules(r.Value, r.Path, scope) : [];
        return (spec with { Allowlist = allowlist, Rules = rules, PassThrough = scope.PassThrough }, scope);
    }

    private ImmutableArray<string> ReadHostList(JsonElement element, string path)
    {
        var hosts = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (item, itemPath) in Items(element, path))
        {
            if (ExpectString(item, itemPath) is not { } entry)
                continue;
            if (HostnameRules.Check(entry) is { } problem) Error(itemPath, problem);
            else hosts.Add(entry.ToLowerInvariant());
        }
        return [.. hosts];
    }

    private ImmutableArray<string> ReadPassThrough(JsonElement element, string path, EgressScope scope)
    {
        var hosts = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (item, itemPath) in Items(element, path))
        {
            if (ExpectString(item, itemPath) is not { } entry)
                continue;
            if (HostnameRules.Check(entry) is { } problem)
            {
                Error(itemPath, problem);
                continue;
            }
            var host = entry.ToLowerInvariant();
            if (ClaudeEndpoints.Hosts.FirstOrDefault(claude => HostnameRules.Covers(host, claude)) is { } claudeHost)
                Error(itemPath, $"'{host}' would pass through {claudeHost}, one of Claude's hosts, whose token only the edge may " +
                                "put in; remove it (Claude's hosts are always decrypted, and always allowed)");
            else if (scope.Checked && !scope.Allows(host))
                Error(itemPath, $"'{host}' is not in the bottle's egress allowlist; add it to \"allowlist\" too: " +
                                "passThrough only says how an allowed host is reached");
            hosts.Add(host);
        }
        return [.. hosts];
    }

    private ImmutableArray<EgressRuleSpec> ReadRules(JsonElement element, string path, EgressScope scope)
    {
        var rules = ImmutableArray.CreateBuilder<EgressRuleSpec>();
        var byHost = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (item, itemPath) in Items(element, path))
        {
            if (!ExpectKind(item, itemPath, JsonValueKind.Object))
                continue;
            string? host = null;
            ImmutableArray<string>? methods = null, allow = null, deny = null;
            foreach (var (key, value, childPath) in Properties(item, itemPath, RuleKeys))
            {
                switch (key)
                {
                    case "host": host = RuleHost(value, childPath, scope); break;
                    case "methods": methods = ReadRuleList(value, childPath, HttpRules.CheckMethod, "leave \"methods\" out to allow every method"); break;
                    case "allow": allow = ReadRuleList(value, childPath, HttpRules.CheckPathPrefix, "leave \"allow\" out to allow every path"); break;
                    case "deny": deny = ReadRuleList(value, childPath, HttpRules.CheckPathPrefix, "leave \"deny\" out to deny no path"); break;
                }
            }
            if (!item.TryGetProperty("host", out _))
                Error(itemPath, "has no \"host\"; name the allowlisted host it narrows, e.g. \"host\": \"api.github.com\"");
            if (!item.TryGetProperty("methods", out _) && !item.TryGetProperty("allow", out _) && !item.TryGetProperty("deny", out _))
                Error(itemPath, "narrows nothing; give \"methods\", \"allow\" or \"deny\" (an allowlisted host without a rule is allowed whole)");
            if (host is null)
                continue;
            if (byHost.TryGetValue(host, out var other))
            {
                Error(JsonPaths.Child(itemPath, "host"), $"'{host}' already has a rule ({other}); merge the two into one");
                continue;
            }
            byHost[host] = itemPath;
            rules.Add(new EgressRuleSpec(itemPath, host, methods ?? [], allow ?? [], deny ?? []));
        }
        return rules.ToImmutable();
    }

    private string? RuleHost(JsonElement value, string path, EgressScope scope)
    {
        if (ExpectString(value, path) is not { } entry)
            return null;
        if (HostnameRules.Check(entry) is { } problem)
        {
            Error(path, problem);
            return null;
        }
        var host = entry.ToLowerInvariant();
        if (scope.Checked && !scope.Allows(host))
            Error(path, host.StartsWith("*.", StringComparison.Ordinal)
                ? $"'{host}' is not covered by the bottle's egress allowlist; a rule only narrows what the allowlist allows, " +
                  $"so add '{host}' (or a wider wildcard) to \"allowlist\""
                : $"'{host}' is not in the bottle's egress allowlist; a rule only narrows what the allowlist allows, so add it to \"allowlist\"");
        else if (scope.PassedThroughBy(host) is { } passed)
            Error(path, $"'{host}' is passed through ('{passed}' in \"passThrough\"): its traffic is not decrypted, so no rule " +
                        "can apply; drop the rule, or take the host out of \"passThrough\"");
        return host;
    }

    /// <summary>A non-empty list of strings, each checked; repeats are dropped, the order kept.</summary>
    private ImmutableArray<string>? ReadRuleList(JsonElement element, string path, Func<string, string?> check, string whenEmpty)
    {
        var items = new List<string>();
        var before = _errors.Count;
        var count = 0;
        foreach (var (item, itemPath) in Items(element, path))
        {
            count++;
            if (ExpectString(item, itemPath) is not { } text)
                continue;
            if (check(text) is { } problem) Error(itemPath, problem);
            else if (!items.Contains(text)) items.Add(text);
        }
        if (element.ValueKind == JsonValueKind.Array && count == 0)
            Error(path, $"is empty; {whenEmpty}");
        return _errors.Count == before ? [.. items] : null;
    }
}
