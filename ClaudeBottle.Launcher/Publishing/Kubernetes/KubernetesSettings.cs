using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Publishing.Kubernetes;

/// <summary>What a published Kubernetes deployment is made from, besides the bottles.</summary>
public sealed record KubernetesSettings
{
    public string PipelockImage { get; init; } = Planning.PipelockImage.Reference;
    public AgentImageSettings AgentImage { get; init; } = new();
    /// <summary>A ready standard agent image; the tag the standard image's recipe hashes to when unset.</summary>
    public string? PrebuiltAgentImage { get; init; }
    /// <summary>A ready edge image (<c>ClaudeBottle:EdgeImage</c>); the tag <c>docker/edge</c>'s recipe hashes to when unset.</summary>
    public string? EdgeImage { get; init; }
    /// <summary>A ready isolation probe image (<c>ClaudeBottle:ProbeImage</c>); the tag <c>docker/probe</c>'s recipe hashes to when unset.</summary>
    public string? ProbeImage { get; init; }
    /// <summary>The cap on a bottle's build context, read to name its image's tag.</summary>
    public long MaxContextBytes { get; init; } = BuildContext.DefaultMaxBytes;

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
