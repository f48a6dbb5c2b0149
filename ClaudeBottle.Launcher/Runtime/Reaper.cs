using Microsoft.Extensions.Logging;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// Removes what app hosts that died without cleaning up (SIGKILL, a crash, a power cut) left on the engine. Labels
/// only find candidates; anyone with the engine can write them. A run's objects are removed only when this user's
/// state folder proves the run was this user's and is dead (its lock file is there and nobody holds it), and every
/// path removed is derived from that folder, never read from a label. A run whose objects' labels disagree is left
/// alone and logged.
/// </summary>
public sealed class Reaper(IContainerEngine engine, ILogger logger)
{
    public sealed record Result(IReadOnlyList<LabelledObject> Removed);

    public async Task<Result> ReapAsync(InstanceLease current, CancellationToken ct)
    {
        var objects = await engine.ListByLabelAsync($"{BottleLabels.Project}={BottleLabels.ProjectValue}", ct);
        var removed = new List<LabelledObject>();
        foreach (var run in objects.GroupBy(o => o.Labels.GetValueOrDefault(BottleLabels.Instance) ?? ""))
        {
            if (run.Key == current.Id || !IsDeadRunOfThisUser(run, current))
                continue;
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
            try
            {
                current.RemoveStateOf(run.Key);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("Could not remove the state of app host run {Instance}: {Reason}", run.Key, e.Message);
            }
            logger.LogWarning("Removed objects left by app host run {Instance}, which ended without cleaning up: {Names}",
                run.Key, string.Join(", ", run.Select(o => o.Name)));
        }
        return new Result(removed);
    }

    private bool IsDeadRunOfThisUser(IGrouping<string, LabelledObject> run, InstanceLease current)
    {
        // A run id of another form names nothing of this folder (and is not logged: a label may hold anything).
        if (!InstanceLease.IsRunId(run.Key))
            return false;
        var hosts = run.Select(o => o.Labels.GetValueOrDefault(BottleLabels.Host) ?? "").Distinct().ToList();
        var leases = run.Select(o => o.Labels.GetValueOrDefault(BottleLabels.Lease) ?? "").Distinct().ToList();
        if (hosts.Count != 1 || leases.Count != 1)
            return Disagree(run, "their machine or lease labels differ");
        // Another machine's runs cannot be judged from here.
        if (hosts[0] != Environment.MachineName)
            return false;
        if (!current.Recorded(run.Key))
        {
            // Another user's run, or one whose state is gone: not this app host's to remove.
            logger.LogDebug("Objects of app host run {Instance} are left alone: this user's state folder {Root} has no record of it", run.Key, current.Root);
            return false;
        }
        if (leases[0] != current.LockFileOf(run.Key))
            return Disagree(run, $"their lease label is not {current.LockFileOf(run.Key)}");
        return !current.IsAlive(run.Key);
    }

    private bool Disagree(IGrouping<string, LabelledObject> run, string why)
    {
        logger.LogWarning("Objects labelled as app host run {Instance} are left alone because {Why}; someone with access to the engine may have forged them: {Names}",
            run.Key, why, string.Join(", ", run.Select(o => o.Name)));
        return false;
    }
}
