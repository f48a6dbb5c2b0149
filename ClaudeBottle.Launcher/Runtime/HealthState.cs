namespace ClaudeBottle.Launcher.Runtime;

/// <summary>A container's health as the engine reports it.</summary>
public enum HealthState { None, Starting, Healthy, Unhealthy }
