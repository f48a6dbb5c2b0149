namespace ClaudeBottle.Launcher.Planning;

/// <summary>A host path mounted into a container.</summary>
public sealed record BindMount(string Source, string Target, bool ReadOnly);
