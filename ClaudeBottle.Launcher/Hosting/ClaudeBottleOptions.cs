using ClaudeBottle.Launcher.Pipelock;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>How the app host runs its bottles.</summary>
public sealed class ClaudeBottleOptions
{
    /// <summary>Approve every bottle's plan without asking (<c>--yes</c>).</summary>
    public bool AutoApprove { get; init; }

    /// <summary>The agents to start at launch (<c>--agent</c>); empty means all. The rest wait for a Start command.</summary>
    public IReadOnlyCollection<string> StartAgents { get; init; } = [];

    /// <summary>The pipelock image: the pinned one, or a mirror named in configuration.</summary>
    public string PipelockImage { get; init; } = Pipelock.PipelockImage.Reference;

    /// <summary>The standard agent image, for bottles that name none.</summary>
    public string StandardAgentImage { get; init; } = "claude-bottle/agent:latest";

    /// <summary>Where run state (leases, generated configs) lives; per user by default.</summary>
    public string? StateRoot { get; init; }

    /// <summary>Used to show paths relative to the manifest in plans.</summary>
    public string? ManifestDirectory { get; init; }

    internal bool StartsAtLaunch(string bottle) => StartAgents.Count == 0 || StartAgents.Contains(bottle);
}
