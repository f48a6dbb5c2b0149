namespace ClaudeBottle.Launcher.Manifest;

/// <summary>Turns paths written in a manifest into real host paths, following symbolic links.</summary>
internal static class HostPaths
{
    /// <summary>Expands a leading <c>~</c> and makes the path absolute against the manifest's directory.</summary>
    public static string Absolute(string written, string baseDirectory)
    {
        if (written == "~" || written.StartsWith("~/", StringComparison.Ordinal))
            written = Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), written[1..]);
        return Path.GetFullPath(written, baseDirectory);
    }

    /// <summary>
    /// The path with every symbolic link along it resolved (like <c>realpath</c>); components that do not exist
    /// are kept as written.
    /// </summary>
    public static string Real(string absolute)
    {
        var root = Path.GetPathRoot(absolute)!;
        var current = root;
        var parts = absolute[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Join(current, parts[i]);
            var info = new FileInfo(next);
            if (info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                next = target is null ? next : Real(Path.GetFullPath(target.FullName));
            }
            current = next;
        }
        return current;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="directory"/> or lies beneath it.</summary>
    public static bool IsWithin(string path, string directory)
    {
        var dir = directory.EndsWith(Path.DirectorySeparatorChar) ? directory : directory + Path.DirectorySeparatorChar;
        return path == directory || path.StartsWith(dir, StringComparison.Ordinal);
    }
}
