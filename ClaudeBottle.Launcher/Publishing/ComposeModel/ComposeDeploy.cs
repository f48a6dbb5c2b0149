using YamlDotNet.Serialization;

namespace ClaudeBottle.Launcher.Publishing;

// The deploy section of a swarm stack's service (Compose file format 3.9), the part claude-bottle writes.

public sealed class ComposeDeploy
{
    [YamlMember(Alias = "endpoint_mode")]
    public string? EndpointMode { get; init; }
    public ComposePlacement? Placement { get; init; }
    public ComposeResources? Resources { get; init; }
    [YamlMember(Alias = "restart_policy")]
    public ComposeRestartPolicy? RestartPolicy { get; init; }
}
