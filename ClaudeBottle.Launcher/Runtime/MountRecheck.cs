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
        var problems = bottle.Mounts.Select(Problem).OfType<string>().ToList();
        // A cloned repository is read on the host, by git: it must still be the folder that was approved.
        if (bottle.WorkspaceClone?.Origin is { } repository && HostPathRules.Recheck(repository) is { } changed)
            problems.Add(changed);
        if (problems.Count > 0)
            throw new InvalidOperationException(string.Join("; ", problems));
    }

    // A mount made in code rather than by the manifest (AddBottle with a bottle of its own) has no approved state to
    // compare with; it must at least be a real path, so that no symbolic link along it decides what is mounted.
    private static string? Problem(BottleMount mount) => mount.Origin is { } origin
        ? HostPathRules.Recheck(origin)
        : HostFile.Resolve(mount.Source, out var why) is { } real && real == mount.Source
            ? null
            : $"the mount {mount.Source} -> {mount.Target} is not a real path ({why ?? $"it leads to {HostFile.Resolve(mount.Source, out _)}"}); give the path with every symbolic link resolved";
}
