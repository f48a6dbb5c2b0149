using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>How the app host runs its bottles.</summary>
public sealed class ClaudeBottleOptions
{
    /// <summary>Approve every bottle's plan without asking (<c>--yes</c>).</summary>
    public bool AutoApprove { get; init; }

    /// <summary>The agents to start at launch (<c>--agent</c>); empty means all. The rest wait for a Start command.</summary>
    public IReadOnlyCollection<string> StartAgents { get; init; } = [];

    /// <summary>The pipelock image: the pinned one, or a mirror named in configuration.</summary>
    public string PipelockImage { get; init; } = Planning.PipelockImage.Reference;

    /// <summary>How the standard agent image is built, for bottles that name no image.</summary>
    public AgentImageSettings AgentImage { get; init; } = new();

    /// <summary>A ready standard agent image (a mirror) to use instead of building one; null to build.</summary>
    public string? PrebuiltAgentImage { get; init; }

    /// <summary>The IPv4 pool bottle networks take their /28 subnets from.</summary>
    public string AddressPool { get; init; } = Runtime.SubnetAllocator.DefaultPool;

    /// <summary>Where run state (leases, generated configs) lives; per user by default.</summary>
    public string? StateRoot { get; init; }

    /// <summary>Used to show paths relative to the manifest in plans.</summary>
    public string? ManifestDirectory { get; init; }

    /// <summary>The agent whose Claude session takes over this terminal (<c>--attach</c>); null for none.</summary>
    public string? AttachAgent { get; init; }

    /// <summary>
    /// Where bottles' telemetry goes over OTLP/HTTP (normally the dashboard): egress decisions and Claude's own
    /// telemetry, through a sink in each bottle. Null sends none, and bottles get no sink.
    /// </summary>
    public ServiceDefaults.OtlpDestination? Telemetry { get; init; }

    internal bool StartsAtLaunch(string bottle) => StartAgents.Count == 0 || StartAgents.Contains(bottle);
}
