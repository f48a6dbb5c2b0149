namespace ClaudeBottle.Launcher.Manifest;

/// <summary>
/// What a skill directory may hold: files, directories, and symbolic links to files inside the skill. A link leading
/// out of it would lead nowhere inside the bottle and would carry the host's file into a published deployment; a pipe,
/// socket or device is no part of a skill (and reading a pipe hangs). Checked when the manifest is loaded, before each
/// container is made and when publishing, which copies exactly the files listed here.
/// </summary>
internal static class SkillFolder
{
    public const int MaxEntries = 2000;
    public const long MaxBytes = 32L * 1024 * 1024;

    private static readonly EnumerationOptions OneLevel = new()
    {
        AttributesToSkip = 0, IgnoreInaccessible = false, RecurseSubdirectories = false, ReturnSpecialDirectories = false,
    };

    /// <summary>What is wrong with the skill at <paramref name="realFolder"/>, or null.</summary>
    public static string? Problem(string realFolder, string written)
    {
        Files(realFolder, written, out var problem);
        return problem;
    }

    /// <summary>
    /// Every file of the skill, by its path inside the skill (sorted), with the regular file inside the skill that
    /// holds its content; empty, with the problem, when the skill holds what it may not.
    /// </summary>
    public static IReadOnlyList<(string Relative, string Source)> Files(string realFolder, string written, out string? problem)
    {
        var files = new List<(string, string)>();
        var pending = new Stack<string>([realFolder]);
        var (entries, bytes) = (0, 0L);
        string Name(string path) => $"'{written.TrimEnd('/')}/{Path.GetRelativePath(realFolder, path)}'";
        while (pending.TryPop(out var directory))
        {
            string[] listed;
            try
            {
                listed = [.. Directory.EnumerateFileSystemEntries(directory, "*", OneLevel).Order(StringComparer.Ordinal)];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Fail(out problem, $"{Name(directory)} cannot be read ({e.Message})");
            }
            foreach (var entry in listed)
            {
                if (++entries > MaxEntries)
                    return Fail(out problem, $"'{written}' holds more than {MaxEntries} entries; a skill is a few instructions and scripts");
                if (HostFile.Stat(entry, out var why) is not { } found)
                    return Fail(out problem, $"{Name(entry)} cannot be read ({why})");
                var source = entry;
                if (found.Kind == HostFileKind.SymbolicLink)
                {
                    if (HostFile.Inspect(entry, out why) is not { } target)
                        return Fail(out problem, $"{Name(entry)} is a symbolic link that leads nowhere ({why}); remove it");
                    if (!HostPaths.IsWithin(target.RealPath, realFolder) || target.RealPath == realFolder)
                        return Fail(out problem, $"{Name(entry)} is a symbolic link leading outside the skill's directory (to {target.RealPath}); " +
                                                 "copy what it names into the skill");
                    if (target.Kind != HostFileKind.RegularFile)
                        return Fail(out problem, $"{Name(entry)} is a symbolic link to {HostPathRules.Describe(target.Kind)}; only links to files inside the skill are kept");
                    (found, source) = (target, target.RealPath);
                }
                switch (found.Kind)
                {
                    case HostFileKind.Directory:
                        pending.Push(entry);
                        break;
                    case HostFileKind.RegularFile:
                        bytes += new FileInfo(source).Length;
                        if (bytes > MaxBytes)
                            return Fail(out problem, $"'{written}' holds more than {MaxBytes / (1024 * 1024)} MiB; a skill is a few instructions and scripts");
                        files.Add((Path.GetRelativePath(realFolder, entry), source));
                        break;
                    default:
                        return Fail(out problem, $"{Name(entry)} is {HostPathRules.Describe(found.Kind)}; a skill holds only files and directories");
                }
            }
        }
        problem = null;
        return files.OrderBy(f => f.Item1, StringComparer.Ordinal).ToList();
    }

    private static IReadOnlyList<(string, string)> Fail(out string? problem, string message)
    {
        problem = message;
        return [];
    }
}
