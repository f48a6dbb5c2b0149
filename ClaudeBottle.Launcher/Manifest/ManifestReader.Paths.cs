namespace ClaudeBottle.Launcher.Manifest;

/// <summary>Host paths the manifest names (workspace, ssh files, skills), checked by <see cref="HostPathRules"/>.</summary>
internal sealed partial class ManifestReader
{
    private ManifestPath? HostPath(string written, string path, HostPathUse use)
    {
        var full = HostPaths.Absolute(written, _directory);
        var checkedPath = HostPathRules.Check(_file, path, written, full, use, _directory, _realDirectory, out var problem);
        if (problem is not null)
            Error(path, problem);
        return checkedPath;
    }

    /// <summary>
    /// A name that becomes a mount target (<c>~/.ssh/NAME</c>, <c>~/.claude/skills/NAME</c>) and a path in a compose
    /// file: '$' would be filled in by compose, ':' splits a volume, a control character hides in a plan.
    /// </summary>
    private bool CheckMountName(string name, string path, string what)
    {
        if (name.IndexOfAny(['$', ':', '\\']) < 0 && !name.Any(char.IsControl))
            return true;
        Error(path, $"{what} '{NameRules.Printable(name)}' holds '$', ':', '\\' or a control character, which cannot name a mount; rename it");
        return false;
    }
}
