namespace ClaudeBottle.Launcher.Runtime;

/// <summary>What has been created for one bottle so far: exactly what teardown must remove.</summary>
public sealed class BottleInstance(string name, string stateDirectory)
{
    public string Name { get; } = name;
    public string StateDirectory { get; } = stateDirectory;
    public string? InternalNetworkId { get; internal set; }
    public string? MiddleNetworkId { get; internal set; }
    public string? EgressNetworkId { get; internal set; }
    public string? EdgeId { get; internal set; }
    public string? ProxyId { get; internal set; }
    public string? AgentId { get; internal set; }
    public string? TelemetryId { get; internal set; }
    /// <summary>The agent's private clone, once its volume is asked for; cleared once its work is back and the volume gone.</summary>
    public CloneState? Clone { get; internal set; }
    /// <summary>What the last bring-back of the clone's work did, kept after the clone is gone.</summary>
    public CloneResult? CloneResult { get; internal set; }
}
