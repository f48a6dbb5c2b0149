using System.Net;
using k8s.Models;

namespace ClaudeBottle.Launcher.Tests.Publishing.Kubernetes;

/// <summary>
/// What NetworkPolicies allow, as the Kubernetes documentation defines it: a pod selected by no policy of a direction
/// is open in it; a pod selected by some is closed but for what one of their rules allows (rules add up, none
/// subtracts); a connection needs both the source's egress and the destination's ingress. A peer with a pod selector
/// and no namespace selector means the policy's own namespace; a namespace selector matches namespace labels
/// (<c>kubernetes.io/metadata.name</c> included, as the API server sets it); an ipBlock matches addresses inside its
/// CIDR and outside its exceptions; no ports means all ports; a policy without policyTypes is of Ingress, and of Egress
/// too when it has egress rules. As the documentation says plugins do, a pod's traffic to and from its own node is
/// always allowed, whatever the policies say. Named ports are not supported (none is published).
/// </summary>
internal sealed class NetworkPolicyEvaluator(IReadOnlyList<V1NetworkPolicy> policies, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> namespaces)
{
    public bool Allows(Endpoint from, Endpoint to, int port, string protocol = "TCP") =>
        OwnNode(from, to) || OwnNode(to, from) ||
        Direction(from, "Egress", p => p.Spec.Egress?.Select(r => ((IList<V1NetworkPolicyPeer>?)r.To, (IList<V1NetworkPolicyPort>?)r.Ports)), to, port, protocol)
        && Direction(to, "Ingress", p => p.Spec.Ingress?.Select(r => ((IList<V1NetworkPolicyPeer>?)r.FromProperty, (IList<V1NetworkPolicyPort>?)r.Ports)), from, port, protocol);

    private static bool OwnNode(Endpoint pod, Endpoint other) => pod.Node is { } node && other.Namespace is null && Same(other.Address, node);

    private bool Direction(Endpoint subject, string type, Func<V1NetworkPolicy, IEnumerable<(IList<V1NetworkPolicyPeer>? Peers, IList<V1NetworkPolicyPort>? Ports)>?> rules,
        Endpoint other, int port, string protocol)
    {
        if (subject.Namespace is null)
            return true; // Outside the cluster: no policy governs it.
        var selecting = policies.Where(p => p.Metadata.NamespaceProperty == subject.Namespace
                                            && Types(p.Spec).Contains(type)
                                            && Matches(p.Spec.PodSelector, subject.Labels)).ToList();
        if (selecting.Count == 0)
            return true;
        return selecting.Any(p => (rules(p) ?? []).Any(r =>
            (r.Peers is not { Count: > 0 } || r.Peers.Any(peer => PeerMatches(peer, p.Metadata.NamespaceProperty, other)))
            && (r.Ports is not { Count: > 0 } || r.Ports.Any(pp => PortMatches(pp, port, protocol)))));
    }

    /// <summary>The spec's default: Ingress always, Egress when the policy has egress rules.</summary>
    public static IList<string> Types(V1NetworkPolicySpec spec) =>
        spec.PolicyTypes ?? (spec.Egress is { Count: > 0 } ? ["Ingress", "Egress"] : ["Ingress"]);

    private bool PeerMatches(V1NetworkPolicyPeer peer, string policyNamespace, Endpoint other)
    {
        if (peer.IpBlock is { } block)
            return Contains(block.Cidr, other.Address) && !(block.Except ?? []).Any(e => Contains(e, other.Address));
        if (other.Namespace is null)
            return false; // Pod and namespace selectors select pods only.
        var inNamespace = peer.NamespaceSelector is null
            ? other.Namespace == policyNamespace
            : Matches(peer.NamespaceSelector, namespaces.GetValueOrDefault(other.Namespace) ?? new Dictionary<string, string>());
        return inNamespace && (peer.PodSelector is null || Matches(peer.PodSelector, other.Labels));
    }

    /// <summary>
    /// Whether <paramref name="cidr"/> holds <paramref name="address"/>, bit by bit. An IPv4-mapped IPv6 address never
    /// appears on the wire: a dual-stack socket connecting to ::ffff:10.0.0.5 sends IPv4 packets to 10.0.0.5, which is
    /// what the plugin sees, so it is compared as that IPv4 address.
    /// </summary>
    public static bool Contains(string cidr, IPAddress address)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        var network = IPAddress.Parse(cidr[..slash]).GetAddressBytes();
        var bits = int.Parse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var bytes = Wire(address).GetAddressBytes();
        if (bytes.Length != network.Length)
            return false;
        for (var i = 0; i < bits; i++)
            if ((network[i / 8] & (0x80 >> (i % 8))) != (bytes[i / 8] & (0x80 >> (i % 8))))
                return false;
        return true;
    }

    private static IPAddress Wire(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static bool Same(IPAddress a, IPAddress b) => Wire(a).Equals(Wire(b));

    private static bool PortMatches(V1NetworkPolicyPort rule, int port, string protocol)
    {
        if ((rule.Protocol ?? "TCP") != protocol)
            return false;
        if (rule.Port is null)
            return true;
        if (!int.TryParse(rule.Port.Value, out var first))
            throw new NotSupportedException($"named port {rule.Port.Value}");
        return rule.EndPort is { } last ? port >= first && port <= last : port == first;
    }

    /// <summary>An empty selector selects everything; matchLabels and matchExpressions must all hold.</summary>
    public static bool Matches(V1LabelSelector selector, IReadOnlyDictionary<string, string> labels) =>
        (selector.MatchLabels ?? new Dictionary<string, string>()).All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value)
        && (selector.MatchExpressions ?? []).All(e => e.OperatorProperty switch
        {
            "In" => labels.TryGetValue(e.Key, out var v) && e.Values.Contains(v),
            "NotIn" => !labels.TryGetValue(e.Key, out var v) || !e.Values.Contains(v),
            "Exists" => labels.ContainsKey(e.Key),
            "DoesNotExist" => !labels.ContainsKey(e.Key),
            _ => throw new NotSupportedException(e.OperatorProperty),
        });
}
