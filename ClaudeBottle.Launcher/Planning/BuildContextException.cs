namespace ClaudeBottle.Launcher.Planning;

/// <summary>A build context that cannot be sent: what is wrong, where, and how to fix it.</summary>
public sealed class BuildContextException(string message) : Exception(message);
