namespace ClaudeBottle.Launcher.Planning;

/// <summary>A named volume of the engine's mounted into a container; it outlives the container.</summary>
public sealed record VolumeMount(string Volume, string Target, bool ReadOnly = false);
