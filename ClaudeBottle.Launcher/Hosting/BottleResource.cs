using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// One bottle in the Aspire model: the parent of its agent and its proxy. Its lifecycle (networks, containers,
/// teardown) is driven by the app host through the container engine, not by Aspire's orchestrator, because that
/// orchestrator would attach every container to a network with a route out.
/// </summary>
public sealed class BottleResource : Resource
{
    internal BottleResource(string name, ResolvedBottle bottle) : base(name)
    {
        Bottle = bottle;
        Agent = new BottleAgentResource($"{name}-agent", this);
        Proxy = new BottleProxyResource($"{name}-proxy", this);
    }

    /// <summary>The bottle's resolved plan; <c>WithAllowlist</c> may widen its allowlist before the app starts.</summary>
    public ResolvedBottle Bottle { get; internal set; }

    /// <summary>What the build context held when its plan was shown for approval; null when none was shown.</summary>
    internal BuildContextSummary? ApprovedContext { get; set; }

    public BottleAgentResource Agent { get; }

    public BottleProxyResource Proxy { get; }
}
