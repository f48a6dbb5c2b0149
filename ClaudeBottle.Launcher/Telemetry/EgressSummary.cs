namespace ClaudeBottle.Launcher.Telemetry;

/// <summary>
/// Which hosts a bottle's proxy let through and which it blocked, with counts: the bottle's egress at a glance. Its
/// size is bounded whatever the agent tries: each column counts at most <see cref="MaxTracked"/> hosts by name
/// (later ones, and absurdly long names, are counted together as others) and shows the <see cref="MaxShown"/> most used.
/// </summary>
public sealed class EgressSummary
{
    /// <summary>Hosts counted by name in each column.</summary>
    public const int MaxTracked = 256;

    /// <summary>Hosts named in each column's text; the rest are summed up as others.</summary>
    public const int MaxShown = 10;

    /// <summary>Longest host name counted by name: a DNS name has at most 253 characters.</summary>
    private const int MaxHostLength = 253;

    private readonly Lock _gate = new();
    private readonly Column _allowed = new();
    private readonly Column _blocked = new();
    private readonly SortedSet<string> _live = new(StringComparer.Ordinal);

    private sealed class Column
    {
        public Dictionary<string, long> Counts { get; } = new(StringComparer.Ordinal);

        /// <summary>Requests to hosts not counted by name.</summary>
        public long Untracked { get; set; }
    }

    /// <summary>
    /// Counts <paramref name="decision"/>; true when its host is new to its column (worth showing at once). A host allowed
    /// live is no request: it is listed, not counted, and only as many as are tracked by name.
    /// </summary>
    public bool Add(EgressDecision decision)
    {
        lock (_gate)
        {
            if (decision.Live)
                return _live.Count < MaxTracked && decision.Host.Length <= MaxHostLength && _live.Add(decision.Host);
            var column = decision.Allowed ? _allowed : _blocked;
            if (column.Counts.TryGetValue(decision.Host, out var count))
            {
                column.Counts[decision.Host] = count + 1;
                return false;
            }
            if (column.Counts.Count >= MaxTracked || decision.Host.Length > MaxHostLength)
            {
                column.Untracked++;
                return false;
            }
            column.Counts[decision.Host] = 1;
            return true;
        }
    }

    /// <summary>How many distinct hosts were blocked, as far as they are counted by name.</summary>
    public int BlockedHosts
    {
        get
        {
            lock (_gate)
                return _blocked.Counts.Count;
        }
    }

    /// <summary>The hosts blocked by name, most tried first: what may be allowed live.</summary>
    public IReadOnlyList<string> BlockedHostNames()
    {
        lock (_gate)
            return [.. _blocked.Counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Key)];
    }

    /// <summary>Hosts the proxies took into their allowlist while the bottle ran, in order of name.</summary>
    public IReadOnlyList<string> LiveAllowedHosts()
    {
        lock (_gate)
            return [.. _live];
    }

    /// <summary>The same as text: <c>(none)</c>, or the names.</summary>
    public string LiveAllowed
    {
        get
        {
            lock (_gate)
                return _live.Count == 0 ? "(none)" : string.Join(", ", _live);
        }
    }

    /// <summary>Hosts let through, most used first: <c>api.anthropic.com (12), registry.npmjs.org (3), others (5)</c>.</summary>
    public string Allowed => Format(_allowed);

    /// <summary>Hosts blocked, most tried first.</summary>
    public string Blocked => Format(_blocked);

    private string Format(Column column)
    {
        lock (_gate)
        {
            if (column.Counts.Count == 0 && column.Untracked == 0)
                return "(none)";
            var shown = column.Counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(MaxShown).ToList();
            var others = column.Untracked + column.Counts.Values.Sum() - shown.Sum(c => c.Value);
            return string.Join(", ", shown.Select(c => $"{c.Key} ({c.Value})").Concat(others > 0 ? [$"others ({others})"] : []));
        }
    }
}
