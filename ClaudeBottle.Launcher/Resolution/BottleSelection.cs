using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Resolution;

/// <summary>The <c>--agent</c> selection: which resolved bottles to start.</summary>
public static class BottleSelection
{
    /// <summary>All bottles when <paramref name="agents"/> is empty; otherwise those named, each of which must exist.</summary>
    public static IReadOnlyList<ResolvedBottle> Select(IReadOnlyList<ResolvedBottle> bottles, IReadOnlyCollection<string> agents, string manifestFile)
    {
        if (agents.Count == 0)
            return bottles;
        var known = bottles.Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        var errors = agents.Where(a => !known.Contains(a)).Distinct().Select(a =>
        {
            var suggestion = Suggestions.Closest(a, known) is { } s ? $" (did you mean '{s}'?)" : "";
            return new ManifestError(manifestFile, "agents",
                $"--agent {a}: no agent of that name{suggestion}; agents: {string.Join(", ", known.Order(StringComparer.Ordinal))}");
        }).ToList();
        if (errors.Count > 0)
            throw new ManifestException(errors);
        return bottles.Where(b => agents.Contains(b.Name)).ToList();
    }
}
