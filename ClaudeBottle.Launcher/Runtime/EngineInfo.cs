namespace ClaudeBottle.Launcher.Runtime;

/// <summary>What the engine says of itself.</summary>
public sealed record EngineInfo(string Version, string ApiVersion, string OperatingSystem);
