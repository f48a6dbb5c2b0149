using Microsoft.Extensions.Logging;
using ClaudeBottle.Launcher.Planning;

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
            // Containers first: a network cannot be removed while anything is attached to it. Best effort: another
            // app host starting at the same moment may be removing the same leftovers.
            foreach (var item in run.OrderBy(o => o.Kind == LabelledKind.Container ? 0 : 1))
            {
                try
                {
                    if (item.Kind == LabelledKind.Container) await engine.RemoveContainerAsync(item.Id, ct);
                    else await engine.RemoveNetworkAsync(item.Id, ct);
                    removed.Add(item);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning("Could not remove {Name}, left by app host run {Instance}: {Reason}", item.Name, run.Key, e.Message);
                }
            }
            if (LeaseOf(run) is { } lease)
            {
                try
                {
                    InstanceLease.RemoveState(lease);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    logger.LogWarning("Could not remove the state of app host run {Instance}: {Reason}", run.Key, e.Message);
                }
            }
            logger.LogWarning("Removed objects left by app host run {Instance}, which ended without cleaning up: {Names}",
                run.Key, string.Join(", ", run.Select(o => o.Name)));
        }
        return new Result(removed);
    }

    private static string? LeaseOf(IEnumerable<LabelledObject> run) =>
        run.Select(o => o.Labels.GetValueOrDefault(BottleLabels.Lease)).FirstOrDefault(l => !string.IsNullOrEmpty(l));

    // Objects without a lease label cannot be judged, so they are left alone.
    private static bool IsAlive(IEnumerable<LabelledObject> run) => LeaseOf(run) is not { } lease || InstanceLease.IsAlive(lease);
}
