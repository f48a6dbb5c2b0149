namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// An entry of an image's build context: a file (an executable one keeps its execute permission in the image), a
/// directory, or a symbolic link, which is sent as a link with its text, as <c>docker build</c> sends it, never followed.
/// </summary>
public sealed record ContextFile(string Name, byte[] Content, bool Executable = false)
{
    /// <summary>The text of a symbolic link; null for a file or a directory.</summary>
    public string? LinkTarget { get; init; }

    public bool IsDirectory { get; init; }

    public static ContextFile Link(string name, string target) => new(name, []) { LinkTarget = target };

    public static ContextFile Directory(string name) => new(name, []) { IsDirectory = true };
}
