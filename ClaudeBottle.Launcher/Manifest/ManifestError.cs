namespace ClaudeBottle.Launcher.Manifest;

/// <summary>One problem found in a manifest: where it is, and what to do about it.</summary>
/// <param name="File">The manifest file, as the user named it.</param>
/// <param name="Path">The JSON path of the offending value, e.g. <c>agents.reviewer.skills[0]</c>; empty for the whole file.</param>
/// <param name="Message">What is wrong and what is expected. Never contains a secret value.</param>
public sealed record ManifestError(string File, string Path, string Message)
{
    /// <summary>
    /// One line for a terminal: a message may quote what the manifest holds (a path, a name), so whatever could move or
    /// hide text in it is escaped here, once for every message.
    /// </summary>
    public override string ToString() =>
        NameRules.Printable(Path.Length == 0 ? $"{File}: {Message}" : $"{File}: {Path}: {Message}");
}
