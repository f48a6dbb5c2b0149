namespace ClaudeBottle.Launcher.Runtime;

/// <summary>The state folder cannot be trusted or made; the message says which folder, why, and how to fix it.</summary>
public sealed class StateFolderException(string message) : Exception(message);
