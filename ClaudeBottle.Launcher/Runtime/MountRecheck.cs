using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// The manifest's host paths (workspace, ssh files, skills) checked again just before a bottle's containers are made:
/// an agent whose workspace holds one of them could have swapped it for a symbolic link since the plan was approved.
/// </summary>
internal static class MountRecheck
{
    /// <summary>Throws, naming every path that changed and how to fix it, when any no longer leads where it was approved to.</summary>
    public static void Verify(ResolvedBottle bottle)
    {
        var problems = bottle.Mounts.Select(m => m.Origin).OfType<ManifestPath>().Select(HostPathRules.Recheck).OfType<string>().ToList();
        if (problems.Count > 0)
            throw new InvalidOperationException(string.Join("; ", problems));
    }
}
