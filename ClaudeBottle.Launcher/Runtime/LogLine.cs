namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// One line of a container's output, and whether it came on stderr. A line longer than its follower's cap keeps its
/// head in <see cref="Text"/>; <see cref="CutBytes"/> counts the bytes dropped after it.
/// </summary>
public sealed record LogLine(string Text, bool IsError, long CutBytes = 0)
{
    /// <summary>A head with a visible mark where the rest was dropped, so no one mistakes it for the whole line.</summary>
    public static string Mark(string head, long cutBytes) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{head} [… {cutBytes} bytes cut]");
}
