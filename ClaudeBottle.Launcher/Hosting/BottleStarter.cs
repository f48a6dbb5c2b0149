using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Cli;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Telemetry;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// One start of a bottle, up to its containers running: what the dashboard shows meanwhile, and each way it can fail,
/// published. The orchestrator holds the bottle's gate around it and takes over what it started.
/// </summary>
internal sealed class BottleStarter(
    BottleRunner runner,
    BottleHostContext context,
    ResourcePublisher publisher,
    EngineReadiness readiness,
    PlanApproval approval,
    ImageProvisioner images,
    BottlePlanner planner,
    BottleHeadStart headStart,
    ClaudeBottleOptions options)
{
    /// <summary>
    /// Starts the bottle: takes its head start, or makes the engine ready, asks for approval, plans, builds and runs it.
    /// Null when it did not start (the failure is published, or it was not approved, or the start was cancelled).
    /// </summary>
    public async Task<(BottlePlan Plan, BottleInstance Instance)?> StartAsync(BottleResource bottle, BottleSession session, CancellationToken ct)
    {
        var log = publisher.Log(bottle);
        if (await headStart.TakeAsync(bottle.Name) is { } early)
        {
            WarnWithoutToken(bottle, log);
            await StartingAsync(bottle, session, early.Planned, log);
            if (early.Instance is not { } made)
            {
                await publisher.FailAsync(bottle, early.Failure!);
                return null;
            }
            // What the runner would have reported as it went, had anyone been listening.
            var progress = new BottleProgress(publisher, bottle, early.Planned.Plan);
            await progress.ProxyCreatedAsync(made.ProxyId!);
            await progress.ProxyHealthyAsync();
            return (early.Planned.Plan, made);
        }

        InstanceLease lease;
        try
        {
            lease = await readiness.EnsureAsync(ct);
        }
        catch (StateFolderException e)
        {
            await publisher.FailAsync(bottle, e.Message);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await publisher.FailAsync(bottle, $"the container engine is not usable: {e.Message}. Start Docker, or point DOCKER_HOST at a running engine.");
            return null;
        }
        WarnWithoutToken(bottle, log);
        if (!await approval.ApproveAsync(bottle, log, ct))
        {
            await publisher.PublishAsync(bottle, KnownResourceStates.NotStarted);
            return null;
        }

        // One trace per start.
        using var launch = LaunchTracing.Step("bottle.start", bottle.Name, root: true);
        PlannedBottle planned;
        try
        {
            planned = planner.Plan(bottle, lease, launch);
        }
        catch (BuildContextException e)
        {
            launch.Fail(e.Message);
            await publisher.FailAsync(bottle, $"Bottle '{bottle.Name}' failed to start: {e.Message}");
            return null;
        }
        if (planned.ContextChange is { } change)
            log.LogWarning("{Change}", change);
        await StartingAsync(bottle, session, planned, log);

        if (!await images.EnsureAsync(bottle, planned.Builds, ct))
        {
            launch.Fail("an image build failed");
            return null;
        }

        BottleInstance instance;
        try
        {
            instance = await runner.StartAsync(planned.Plan, planned.StateDirectory, new BottleProgress(publisher, bottle, planned.Plan), ct);
        }
        catch (BottleStartException e)
        {
            launch.Fail(e.Message);
            await publisher.FailAsync(bottle, e.Message);
            return null;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return null;
        }
        return (planned.Plan, instance);
    }

    private static void WarnWithoutToken(BottleResource bottle, ILogger log)
    {
        if (Environment.GetEnvironmentVariable(AgentLayout.TokenVariable) is not { Length: > 0 })
            log.LogWarning("{Variable} is not set: Claude in bottle {Bottle} will not be able to log in. Run 'claude setup-token' and export it.",
                AgentLayout.TokenVariable, bottle.Name);
    }

    /// <summary>A start begins: the bottle's plan in its console, its properties, its containers waiting.</summary>
    private async Task StartingAsync(BottleResource bottle, BottleSession session, PlannedBottle planned, ILogger log)
    {
        var (resolved, agentImage) = (planned.Plan.Bottle, planned.AgentImage); // this start's: a fresh start's next one resumes
        session.Egress = new EgressSummary();
        await publisher.PublishAsync(bottle, KnownResourceStates.Starting, KnownResourceStateStyles.Info,
            properties: [.. BottleProperties.ForBottle(resolved, agentImage), .. BottleProperties.ForEgress(session.Egress)], started: true);
        await publisher.PublishAsync(bottle.Proxy, KnownResourceStates.Starting, KnownResourceStateStyles.Info);
        await publisher.PublishAsync(bottle.Agent, KnownResourceStates.Waiting, KnownResourceStateStyles.Info);
        log.LogInformation("Starting bottle {Bottle}:{NewLine}{Plan}", bottle.Name, Environment.NewLine, PlanFormatter.Format(resolved, context.ManifestDirectory, options.MaxBuildContextBytes));
    }
}
