namespace ClaudeBottle.Launcher.Telemetry;

/// <summary>Which hosts a bottle's proxy let through and which it blocked, with counts: the bottle's egress at a glance.</summary>
public sealed class EgressSummary
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _allowed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _blocked = new(StringComparer.Ordinal);

    /// <summary>Counts <paramref name="decision"/>; true when its host is new to its column (worth showing at once).</summary>
    public bool Add(EgressDecision decision)
    {
        lock (_gate)
        {
            var counts = decision.Allowed ? _allowed : _blocked;
            var seen = counts.TryGetValue(decision.Host, out var count);
            counts[decision.Host] = count + 1;
            return !seen;
        }
    }

    /// <summary>How many distinct hosts were blocked.</summary>
    public int BlockedHosts
    {
        get
        {
            lock (_gate)
                return _blocked.Count;
        }
    }

    /// <summary>Hosts let through, most used first: <c>api.anthropic.com (12), registry.npmjs.org (3)</c>.</summary>
    public string Allowed => Format(_allowed);

    /// <summary>Hosts blocked, most tried first.</summary>
    public string Blocked => Format(_blocked);

    private string Format(Dictionary<string, int> counts)
    {
        lock (_gate)
            return counts.Count == 0
                ? "(none)"
                : string.Join(", ", counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} ({c.Value})"));
    }
}
