using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>The engine's volumes of one role of claude-bottle's: kept state, workspace clones.</summary>
internal static class ProjectVolumes
{
    /// <summary>Those with the role that carry the project's label too: the role alone could be anyone's.</summary>
    public static async Task<IEnumerable<LabelledObject>> OfRoleAsync(IContainerEngine engine, string role, CancellationToken ct) =>
        (await engine.ListVolumesAsync($"{BottleLabels.Role}={role}", ct))
            .Where(v => v.Labels.GetValueOrDefault(BottleLabels.Project) == BottleLabels.ProjectValue);
}
