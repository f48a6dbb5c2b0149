using ClaudeBottle.Launcher.Planning;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// After a failed start, removes what the engine made for the bottle although the request for it failed: a create the
/// client gave up on (a timeout under load) can still complete on the engine, leaving an object whose id the runner
/// never learnt. Found by the start's own label (<see cref="BottleLabels.Attempt"/>, drawn per start), never by name.
/// </summary>
internal sealed class BottleSweep(IContainerEngine engine, ILogger logger)
{
    /// <summary>The plan's objects labelled as one start of its own (the runner does this as it begins).</summary>
    public static BottlePlan Label(BottlePlan plan)
    {
        var attempt = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
        IReadOnlyDictionary<string, string> With(IReadOnlyDictionary<string, string> labels) =>
            new Dictionary<string, string>(labels) { [BottleLabels.Attempt] = attempt };
        ContainerSpec? Container(ContainerSpec? spec) => spec is null ? null : spec with { Labels = With(spec.Labels) };
        return plan with
        {
            InternalNetwork = plan.InternalNetwork with { Labels = With(plan.InternalNetwork.Labels) },
            MiddleNetwork = plan.MiddleNetwork with { Labels = With(plan.MiddleNetwork.Labels) },
            EgressNetwork = plan.EgressNetwork with { Labels = With(plan.EgressNetwork.Labels) },
            Proxy = Container(plan.Proxy)!,
            Edge = Container(plan.Edge),
            Agent = Container(plan.Agent)!,
            Telemetry = Container(plan.Telemetry),
            Probe = Container(plan.Probe),
        };
    }

    /// <summary>Never throws: what it cannot remove is logged, and the next run's reaper finds it by the same labels.</summary>
    public async Task SweepAsync(BottlePlan plan)
    {
        try
        {
            await SweepCoreAsync(plan);
        }
        catch (Exception e)
        {
            logger.LogError("Bottle {Bottle}: could not remove what a failed start left: {Reason}", plan.Bottle.Name, e.Message);
        }
    }

    private async Task SweepCoreAsync(BottlePlan plan)
    {
        if (!plan.Agent.Labels.TryGetValue(BottleLabels.Attempt, out var attempt) || attempt.Length == 0)
            return;
        var left = await engine.ListByLabelAsync($"{BottleLabels.Attempt}={attempt}", CancellationToken.None);
        // Containers first: a network goes only once nothing is attached to it.
        foreach (var container in left.Where(o => o.Kind == LabelledKind.Container))
            await engine.RemoveContainerAsync(container.Id, CancellationToken.None);
        foreach (var network in left.Where(o => o.Kind == LabelledKind.Network))
            await engine.RemoveNetworkAsync(network.Id, CancellationToken.None);
    }
}
