using System.Diagnostics;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Telemetry;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>A bottle's plan for this run, with the images it needs and where its state goes.</summary>
internal sealed record PlannedBottle(BottlePlan Plan, string StateDirectory, string AgentImage, IReadOnlyList<ImageRecipe> Builds)
{
    /// <summary>How the build context read differs from the one whose plan was approved; null when it does not.</summary>
    public string? ContextChange { get; init; }
}

/// <summary>Plans a bottle for this run (only once it is approved): its images (the agent's, and the telemetry sink's when telemetry is on) and its containers.</summary>
internal sealed class BottlePlanner(ClaudeBottleOptions options, BottleHostContext context)
{
    public PlannedBottle Plan(BottleResource bottle, InstanceLease lease, Activity? launch)
    {
        // A bottle's own build context is read here, once the plan is approved: it throws BuildContextException.
        var agentImages = AgentImages.PlanFor(bottle.Bottle.Image, options.AgentImageSettings, options.PrebuiltAgentImage, options.MaxBuildContextBytes);
        // The telemetry sink has a small image of its own: a bottle whose agent has its own image needs no standard image.
        (string Tag, ImageRecipe? Build)? sinkImage = context.Telemetry is null ? null : AgentImages.SinkPlan(options.AgentImageSettings, options.Telemetry.SinkImage);
        // The isolation probe runs from an image of the product's own, never the agent's.
        var probeImage = AgentImages.ProbePlan(options.AgentImageSettings, options.ProbeImage);
        // So is the edge, which holds the bottle's credentials.
        var edgeImage = AgentImages.EdgePlan(options.AgentImageSettings, options.EdgeImage);
        var stateDirectory = Path.Join(lease.Directory, bottle.Name);
        // A headless Claude is given the launch span (TRACEPARENT), so its run can be a child of its launch.
        var plan = BottlePlan.Create(bottle.Bottle, new BottlePlanSettings(lease.Id, lease.LockFile,
            $"claude-bottle-{lease.Id}-", options.Pipelock.Image, agentImages.Tag,
            BottleRunner.ConfigFile(stateDirectory), options.AgentImageSettings.ExtraCaCertificatesFile,
            TelemetrySinkImage: sinkImage?.Tag, TraceParent: LaunchTracing.TraceParent(launch), ProbeImage: probeImage.Tag,
            EdgeImage: edgeImage.Tag, EdgeConfigFile: BottleRunner.EdgeConfigFile(stateDirectory)));
        // Emptied once: the state this start keeps is the one the next start continues.
        if (bottle.Bottle.State.Mode == ConversationMode.Fresh)
            bottle.Bottle = bottle.Bottle.WithConversation(ConversationMode.Resume);
        return new PlannedBottle(plan, stateDirectory, agentImages.Tag,
            [.. agentImages.Builds, .. new[] { sinkImage?.Build, probeImage.Build, edgeImage.Build }.OfType<ImageRecipe>()])
        {
            ContextChange = ContextChange(bottle, agentImages.Own?.Context),
        };
    }

    /// <summary>Said when the context read is not the one the person approved (its names, kinds, sizes or links differ).</summary>
    private static string? ContextChange(BottleResource bottle, BuildContextSummary? read)
    {
        var approved = bottle.ApprovedContext;
        bottle.ApprovedContext = null;
        return approved is null || read is null || read.Fingerprint == approved.Fingerprint
            ? null
            : $"The build context {read.Directory} of bottle {bottle.Name} changed after its plan was approved (approved: {approved}; " +
              $"now: {read}); building what it holds now. Stop the bottle if that is not what you meant.";
    }
}
