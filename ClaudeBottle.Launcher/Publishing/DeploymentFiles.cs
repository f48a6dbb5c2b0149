namespace ClaudeBottle.Launcher.Publishing;

/// <summary>
/// Writes a published deployment into the output directory, for every target: what the publisher owns is replaced,
/// the operator's own files (filled-in secrets, <c>.env</c>) stay.
/// </summary>
internal static class DeploymentFiles
{
    /// <param name="output">The output directory.</param>
    /// <param name="owned">Directories and files the publisher owns there; stale ones are removed before writing.</param>
    /// <param name="files">The files, by path relative to <paramref name="output"/>.</param>
    /// <param name="executables">Paths of files to make executable.</param>
    /// <param name="links">Symbolic links (path, then the link's text): written last, as links, never followed.</param>
    /// <param name="cancellationToken">Stops the writing.</param>
    public static async Task WriteAsync(string output, IEnumerable<string> owned, SortedDictionary<string, byte[]> files, ISet<string> executables,
        SortedDictionary<string, string> links, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(output);
        foreach (var path in owned.Select(o => Path.Join(output, o)))
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else File.Delete(path);
        }
        RemoveStaleExamples(Path.Join(output, ComposeEdge.SecretsDirectory));
        foreach (var (path, content) in files)
        {
            var full = Path.Join(output, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            // The operator's real values go into this folder: its owner alone may enter it (the engine mounts the files).
            if (path.StartsWith(ComposeEdge.SecretsDirectory + "/", StringComparison.Ordinal) && !OperatingSystem.IsWindows())
                File.SetUnixFileMode(Path.GetDirectoryName(full)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await File.WriteAllBytesAsync(full, content, cancellationToken);
            if (executables.Contains(path) && !OperatingSystem.IsWindows())
                File.SetUnixFileMode(full, File.GetUnixFileMode(full) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
        foreach (var (path, target) in links)
        {
            var full = Path.Join(output, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.CreateSymbolicLink(full, target);
        }
    }

    /// <summary>
    /// The secrets folder is the operator's: their filled-in files stay. Only what the publisher wrote there (the
    /// examples and the .gitignore) is replaced.
    /// </summary>
    private static void RemoveStaleExamples(string secrets)
    {
        if (!Directory.Exists(secrets))
            return;
        foreach (var file in Directory.EnumerateFiles(secrets, "*.json" + ComposeEdge.ExampleSuffix).Append(Path.Join(secrets, ".gitignore")))
            File.Delete(file);
    }
}
