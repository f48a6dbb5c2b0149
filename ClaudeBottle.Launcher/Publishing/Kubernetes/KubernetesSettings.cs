namespace ClaudeBottle.Launcher.Publishing.Kubernetes;

/// <summary>What a published Kubernetes deployment is made from, besides the bottles.</summary>
public sealed record KubernetesSettings
{
    /// <summary>The images and caps every target shares; an image unset is named by the tag its recipe hashes to.</summary>
    public PublishSettings Common { get; init; } = new();

    /// <summary>Each bottle gets its own namespace, this prefix and the agent's name (at most 40 characters, so at most 63 in all).</summary>
    public string NamespacePrefix { get; init; } = "claude-bottle-";

    /// <summary>
    /// The configuration key of <see cref="ClusterCidrs"/>: a list, <c>ClaudeBottle__Publish__Kubernetes__ClusterCidrs__0=203.0.113.0/24</c>.
    /// </summary>
    public const string ClusterCidrsKey = "ClaudeBottle:Publish:Kubernetes:ClusterCidrs";

    /// <summary>
    /// The cluster's own ranges that are not private (publicly routed pod, service or node addresses), in canonical
    /// CIDR form (<c>203.0.113.0/24</c>, <c>2001:db8::/32</c>): pipelock's way out excepts them, as it does the private ones.
    /// </summary>
    public IReadOnlyList<string> ClusterCidrs { get; init; } = [];
}
