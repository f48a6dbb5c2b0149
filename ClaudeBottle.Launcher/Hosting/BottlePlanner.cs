using System.Diagnostics;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Telemetry;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>A bottle's plan for this run, with the images it needs and where its state goes.</summary>
internal sealed record PlannedBottle(BottlePlan Plan, string StateDirectory, string AgentImage, IReadOnlyList<ImageRecipe> Builds);

/// <summary>Plans a bottle for this run: its images (the agent's, and the telemetry sink's when telemetry is on) and its containers.</summary>
internal sealed class BottlePlanner(ClaudeBottleOptions options, BottleHostContext context)
{
    public PlannedBottle Plan(BottleResource bottle, InstanceLease lease, Activity? launch)
    {
        var agentImages = AgentImages.PlanFor(bottle.Bottle.Image, options.AgentImageSettings, options.PrebuiltAgentImage);
        // The telemetry sink has a small image of its own: a bottle whose agent has its own image needs no standard image.
        (string Tag, ImageRecipe? Build)? sinkImage = context.Telemetry is null ? null : AgentImages.SinkPlan(options.AgentImageSettings, options.Telemetry.SinkImage);
        // The isolation probe runs from an image of the product's own, never the agent's.
        var probeImage = AgentImages.ProbePlan(options.AgentImageSettings, options.ProbeImage);
        var stateDirectory = Path.Join(lease.Directory, bottle.Name);
        // A headless Claude is given the launch span (TRACEPARENT), so its run can be a child of its launch.
        var plan = BottlePlan.Create(bottle.Bottle, new BottlePlanSettings(lease.Id, lease.LockFile,
            $"claude-bottle-{lease.Id}-", options.Pipelock.Image, agentImages.Tag,
            BottleRunner.ConfigFile(stateDirectory), options.AgentImageSettings.ExtraCaCertificatesFile,
            TelemetrySinkImage: sinkImage?.Tag, TraceParent: LaunchTracing.TraceParent(launch), ProbeImage: probeImage.Tag));
        return new PlannedBottle(plan, stateDirectory, agentImages.Tag,
            [.. agentImages.Builds, .. new[] { sinkImage?.Build, probeImage.Build }.OfType<ImageRecipe>()]);
    }
}
