using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// The agents' kept Claude state, one named volume per agent and manifest (<see cref="Resolution.AgentState"/>). Made
/// before the agent starts, emptied for a fresh start, listed and removed on request; nothing else removes them.
/// </summary>
public static class AgentStateVolumes
{
    /// <summary>Every agent's state volume on the engine, whichever manifest it belongs to.</summary>
    public static async Task<IReadOnlyList<LabelledObject>> ListAsync(IContainerEngine engine, CancellationToken ct) =>
        [.. (await ProjectVolumes.OfRoleAsync(engine, BottleLabels.StateRole, ct))
            .OrderBy(v => v.Labels.GetValueOrDefault(BottleLabels.Manifest), StringComparer.Ordinal)
            .ThenBy(v => v.Name, StringComparer.Ordinal)];

    /// <summary>
    /// Makes the plan's state volume when missing; for a fresh start, removes it first so that the new one is filled from
    /// the image again. Throws when it cannot be removed (an agent of another run still uses it). Nothing when the agent
    /// keeps nothing.
    /// </summary>
    public static async Task PrepareAsync(IContainerEngine engine, BottlePlan plan, CancellationToken ct)
    {
        if (plan.StateVolume is not { } volume)
            return;
        if (IsFresh(plan))
            await engine.RemoveVolumeAsync(volume.Name, ct);
        await engine.CreateVolumeAsync(volume, ct);
    }

    /// <summary>What <see cref="PrepareAsync"/> does, as a failed start names it; null when the agent keeps nothing.</summary>
    public static string? StepOf(BottlePlan plan) => plan.StateVolume is not { } volume ? null
        : IsFresh(plan) ? $"emptying the agent's kept conversation (volume {volume.Name})" : $"making the agent's state volume {volume.Name}";

    private static bool IsFresh(BottlePlan plan) => plan.Bottle.State.Mode == Resolution.ConversationMode.Fresh;

    /// <summary>A line a person reads for one volume: its agent, its manifest and its name.</summary>
    public static string Describe(LabelledObject volume) =>
        $"{volume.Labels.GetValueOrDefault(BottleLabels.Agent) ?? "?"}  {volume.Labels.GetValueOrDefault(BottleLabels.Manifest) ?? "?"}  (volume {volume.Name})";
}
