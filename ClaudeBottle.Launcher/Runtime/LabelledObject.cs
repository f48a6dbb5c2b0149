namespace ClaudeBottle.Launcher.Runtime;

/// <summary>A container, network or volume found by its labels (a volume's id is its name).</summary>
public sealed record LabelledObject(LabelledKind Kind, string Id, string Name, IReadOnlyDictionary<string, string> Labels);
