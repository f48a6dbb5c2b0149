namespace ClaudeBottle.Launcher.Planning;

/// <summary>What <c>aspire publish</c> writes (<see cref="PublishOptions"/>).</summary>
public enum PublishTarget
{
    /// <summary>A Docker Compose deployment for one engine (Publishing/ComposePublisher).</summary>
    Compose,

    /// <summary>A stack for <c>docker stack deploy</c> on a swarm (Publishing/SwarmPublisher).</summary>
    Swarm,

    /// <summary>Kubernetes objects (Publishing/Kubernetes).</summary>
    Kubernetes,
}
