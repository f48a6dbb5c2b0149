namespace ClaudeBottle.Launcher.Runtime;

/// <summary>What kind of engine object a <see cref="LabelledObject"/> is.</summary>
public enum LabelledKind { Container, Network, Volume }
