using System.Collections.Immutable;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>What the dashboard shows about a bottle and its containers. Never a secret value.</summary>
internal static class BottleProperties
{
    public const string ContainerId = "container.id";
    public const string Image = "container.image";
    public const string Networks = "container.networks";
    public const string Allowlist = "bottle.allowlist";
    public const string Environment = "bottle.env";
    public const string Mounts = "bottle.mounts";
    public const string Limits = "bottle.limits";
    public const string Conversation = "bottle.conversation";
    public const string Workspace = "bottle.workspace";
    public const string CloneBranch = "clone.branch";
    public const string CloneCommits = "clone.commits";
    public const string CloneUncommitted = "clone.uncommitted";
    public const string EgressAllowed = "egress.allowed";
    public const string EgressBlocked = "egress.blocked";
    public const string EgressAllowedLive = "egress.allowed-live";

    public static ImmutableArray<ResourcePropertySnapshot> ForBottle(ResolvedBottle bottle, string agentImage) =>
    [
        Shown(Allowlist, "Egress allowlist", string.Join(", ", bottle.Allowlist)),
        Shown(Image, "Agent image", agentImage),
        Shown(Environment, "Environment (names)", bottle.Environment.IsEmpty ? "(none)" : string.Join(", ", bottle.Environment.Select(e => e.ToString()))),
        Shown(Mounts, "Mounts", bottle.Mounts.IsEmpty ? "(none)" : string.Join(", ", bottle.Mounts.Select(m => $"{m.Source} -> {m.Target}{(m.ReadOnly ? " (ro)" : "")}"))),
        Shown(Limits, "Limits", bottle.Limits.ToString()),
        .. bottle.WorkspaceClone is { } clone ? [Shown(Workspace, "Workspace", Cli.PlanFormatter.Clone(clone, null))] : Array.Empty<ResourcePropertySnapshot>(),
        .. bottle.State.IsKept ? [Shown(Conversation, "Conversation", Cli.PlanFormatter.Conversation(bottle.State))] : Array.Empty<ResourcePropertySnapshot>(),
    ];

    /// <summary>The proxy's decisions so far, by host: what the agent reached and what it tried to.</summary>
    public static ImmutableArray<ResourcePropertySnapshot> ForEgress(Telemetry.EgressSummary summary) =>
    [
        Shown(EgressAllowed, "Egress allowed (requests)", summary.Allowed),
        Shown(EgressBlocked, "Egress blocked (requests)", summary.Blocked),
        Shown(EgressAllowedLive, "Allowed live (this run)", summary.LiveAllowed),
    ];

    public static ImmutableArray<ResourcePropertySnapshot> ForContainer(string containerId, string image, IEnumerable<string> networks) =>
    [
        Shown(ContainerId, "Container ID", containerId),
        Shown(Image, "Image", image),
        Shown(Networks, "Networks", string.Join(", ", networks)),
    ];

    /// <summary>The agent's branch and what it holds so far; at start, before any work came back, its commits are none yet.</summary>
    public static ImmutableArray<ResourcePropertySnapshot> ForClone(Planning.ClonePlan? clone, Runtime.CloneResult? result) => clone is null && result is null ? [] :
    [
        Shown(CloneBranch, "Work branch", result is { Failure: not null } ? $"not brought back: {result}" : $"{result?.Branch ?? clone!.Branch} in {result?.Repository ?? clone!.Source.Repository}"),
        Shown(CloneCommits, "Commits on branch", result is null ? "0 (not brought back yet)" : result.BranchExists ? result.Commits.ToString(System.Globalization.CultureInfo.InvariantCulture) : "0 (no branch: nothing to bring back)"),
        Shown(CloneUncommitted, "Uncommitted changes", result is null ? "(not brought back yet)" : result.UncommittedBranch ?? "(none)"),
    ];

    /// <summary>Replaces properties by name, keeping the others.</summary>
    public static ImmutableArray<ResourcePropertySnapshot> Merge(ImmutableArray<ResourcePropertySnapshot> current, IEnumerable<ResourcePropertySnapshot> updates)
    {
        var byName = updates.ToDictionary(p => p.Name);
        return [.. current.Where(p => !byName.ContainsKey(p.Name)), .. byName.Values];
    }

    // The dashboard lists custom properties only when they carry a display name. Values come from the manifest and
    // from the agent (the hosts it tried): escaped, so none can hide text or pose as another line.
    private static ResourcePropertySnapshot Shown(string name, string displayName, string value) =>
        new(name, NameRules.Printable(value)) { DisplayName = displayName, IsHighlighted = true };
}
