namespace ClaudeBottle.Launcher.Runtime;

/// <summary>A container or network found by its labels.</summary>
public sealed record LabelledObject(LabelledKind Kind, string Id, string Name, IReadOnlyDictionary<string, string> Labels);
