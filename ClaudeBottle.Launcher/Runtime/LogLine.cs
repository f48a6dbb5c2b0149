namespace ClaudeBottle.Launcher.Runtime;

/// <summary>One line of a container's output, and whether it came on stderr.</summary>
public sealed record LogLine(string Text, bool IsError);
