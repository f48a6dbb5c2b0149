using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// Removes what app hosts that died without cleaning up (SIGKILL, a crash, a power cut) left on the engine: found by
/// label, limited to this machine, and only for runs whose lock is no longer held.
/// </summary>
public sealed class Reaper(IContainerEngine engine, ILogger logger)
{
    public sealed record Result(IReadOnlyList<LabelledObject> Removed);

    public async Task<Result> ReapAsync(InstanceLease current, CancellationToken ct)
    {
        var objects = await engine.ListByLabelAsync($"{BottleLabels.Project}={BottleLabels.ProjectValue}", ct);
        var dead = objects
            .Where(o => o.Labels.GetValueOrDefault(BottleLabels.Host) == Environment.MachineName)
            .GroupBy(o => o.Labels.GetValueOrDefault(BottleLabels.Instance) ?? "")
            .Where(g => g.Key.Length > 0 && g.Key != current.Id && !IsAlive(g))
            .ToList();

        var removed = new List<LabelledObject>();
        foreach (var run in dead)
        {
            // Containers first: a network cannot be removed while anything is attached to it.
            foreach (var container in run.Where(o => o.Kind == LabelledKind.Container))
            {
                await engine.RemoveContainerAsync(container.Id, ct);
                removed.Add(container);
            }
            foreach (var network in run.Where(o => o.Kind == LabelledKind.Network))
            {
                await engine.RemoveNetworkAsync(network.Id, ct);
                removed.Add(network);
            }
            if (LeaseOf(run) is { } lease)
                InstanceLease.RemoveState(lease);
            logger.LogWarning("Removed {Count} objects left by app host run {Instance}, which ended without cleaning up: {Names}",
                run.Count(), run.Key, string.Join(", ", run.Select(o => o.Name)));
        }
        return new Result(removed);
    }

    private static string? LeaseOf(IEnumerable<LabelledObject> run) =>
        run.Select(o => o.Labels.GetValueOrDefault(BottleLabels.Lease)).FirstOrDefault(l => !string.IsNullOrEmpty(l));

    // Objects without a lease label cannot be judged, so they are left alone.
    private static bool IsAlive(IEnumerable<LabelledObject> run) => LeaseOf(run) is not { } lease || InstanceLease.IsAlive(lease);
}
