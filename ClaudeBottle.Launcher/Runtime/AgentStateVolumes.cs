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
        [.. (await engine.ListVolumesAsync($"{BottleLabels.Role}={BottleLabels.StateRole}", ct))
            // A volume must carry the project's label too: the role alone could be anyone's.
            .Where(v => v.Labels.GetValueOrDefault(BottleLabels.Project) == BottleLabels.ProjectValue)
            .OrderBy(v => v.Labels.GetValueOrDefault(BottleLabels.Manifest), StringComparer.Ordinal)
            .ThenBy(v => v.Name, StringComparer.Ordinal)];

    /// <summary>
    /// Makes the volume when missing; for a fresh start, removes it first so that the new one is filled from the image
    /// again. Throws when it cannot be removed (an agent of another run still uses it).
    /// </summary>
    public static async Task PrepareAsync(IContainerEngine engine, VolumeSpec volume, bool fresh, CancellationToken ct)
    {
        if (fresh)
            await engine.RemoveVolumeAsync(volume.Name, ct);
        await engine.CreateVolumeAsync(volume, ct);
    }

    /// <summary>A line a person reads for one volume: its agent, its manifest and its name.</summary>
    public static string Describe(LabelledObject volume) =>
        $"{volume.Labels.GetValueOrDefault(BottleLabels.Agent) ?? "?"}  {volume.Labels.GetValueOrDefault(BottleLabels.Manifest) ?? "?"}  (volume {volume.Name})";
}
