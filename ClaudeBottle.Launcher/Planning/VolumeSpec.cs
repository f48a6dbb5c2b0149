namespace ClaudeBottle.Launcher.Planning;

/// <summary>A named volume the app host owns: created when missing, never removed by a run's removal or the reaper.</summary>
public sealed record VolumeSpec(string Name, IReadOnlyDictionary<string, string> Labels);
