using ClaudeBottle.Launcher.Resolution;
using k8s.Models;
using static ClaudeBottle.Launcher.Publishing.Kubernetes.KubernetesNames;

namespace ClaudeBottle.Launcher.Publishing.Kubernetes;

/// <summary>
/// A bottle's NetworkPolicies, the three networks of run mode in a cluster's terms: nothing in the namespace may open or
/// accept a connection unless a policy says so; the agent reaches its edge alone (no DNS: it finds the edge by the
/// address Kubernetes puts in its environment); the edge reaches its pipelock alone (no DNS either: it holds the real
/// credentials, and finds pipelock by the address in its environment); pipelock reaches the cluster's DNS and public
/// addresses on 80 and 443, never a private or special-purpose range, the link-local metadata address or another pod.
/// Plugins that follow the Kubernetes documentation always allow a pod's traffic to and from its own node, whatever
/// the policies say: that the agent's init container <c>probe</c> checks (<see cref="KubernetesProbe"/>), no policy can.
/// </summary>
internal static class KubernetesPolicies
{
    /// <summary>
    /// Private, shared, loopback and link-local (metadata) IPv4 ranges, where the cluster's pods, services and nodes
    /// usually are; "this network", IETF protocol assignments, benchmarking and reserved ranges, which no public host
    /// holds and a cluster may use.
    /// </summary>
    public static readonly IReadOnlyList<string> PrivateIPv4 =
        ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "240.0.0.0/4"];

    /// <summary>
    /// Loopback, unique-local and link-local; and the translations that lead into IPv4 (NAT64's well-known and local
    /// prefixes, 6to4), which a gateway would turn into a private IPv4 address. Not the IPv4-mapped ::ffff:0:0/96: such
    /// an address never appears on the wire, and an API server that validates CIDRs strictly may refuse it.
    /// </summary>
    public static readonly IReadOnlyList<string> PrivateIPv6 = ["::1/128", "64:ff9b::/96", "64:ff9b:1::/48", "2002::/16", "fc00::/7", "fe80::/10"];

    /// <summary>The ports pipelock may open outside: HTTP and HTTPS, all an allowlisted API is reached on.</summary>
    public static readonly IReadOnlyList<int> InternetPorts = [80, 443];

    /// <summary>
    /// The policies of <paramref name="bottle"/>'s namespace <paramref name="ns"/>; pipelock may not reach
    /// <paramref name="clusterCidrs"/> either (<see cref="KubernetesSettings.ClusterCidrs"/>).
    /// </summary>
    public static IEnumerable<V1NetworkPolicy> For(ResolvedBottle bottle, string ns, IReadOnlyList<string> clusterCidrs)
    {
        var cluster = clusterCidrs.Select(c => (Cidr: c, Network: System.Net.IPNetwork.Parse(c))).ToList();
        var exceptV4 = PrivateIPv4.Concat(cluster.Where(c => c.Network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork).Select(c => c.Cidr))
            .Distinct(StringComparer.Ordinal).ToList();
        var exceptV6 = PrivateIPv6.Concat(cluster.Where(c => c.Network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6).Select(c => c.Cidr))
            .Distinct(StringComparer.Ordinal).ToList();
        yield return Policy("default-deny", ns, bottle, new V1NetworkPolicySpec
        {
            PodSelector = new V1LabelSelector(),
            PolicyTypes = ["Egress", "Ingress"],
        });
        yield return Policy("agent", ns, bottle, new V1NetworkPolicySpec
        {
            PodSelector = Role(AgentRole),
            PolicyTypes = ["Egress", "Ingress"],
            Egress = [new V1NetworkPolicyEgressRule { To = [Pods(EdgeRole)], Ports = Tcp(AgentLayout.ProxyPort, CaPort) }],
        });
        yield return Policy("edge", ns, bottle, new V1NetworkPolicySpec
        {
            PodSelector = Role(EdgeRole),
            PolicyTypes = ["Egress", "Ingress"],
            Ingress = [new V1NetworkPolicyIngressRule { FromProperty = [Pods(AgentRole)], Ports = Tcp(AgentLayout.ProxyPort, CaPort) }],
            Egress = [new V1NetworkPolicyEgressRule { To = [Pods(PipelockRole)], Ports = Tcp(AgentLayout.PipelockPort, AgentLayout.ScanApiPort) }],
        });
        yield return Policy("pipelock", ns, bottle, new V1NetworkPolicySpec
        {
            PodSelector = Role(PipelockRole),
            PolicyTypes = ["Egress", "Ingress"],
            Ingress = [new V1NetworkPolicyIngressRule { FromProperty = [Pods(EdgeRole)], Ports = Tcp(AgentLayout.PipelockPort, AgentLayout.ScanApiPort) }],
            Egress =
            [
                new V1NetworkPolicyEgressRule
                {
                    To =
                    [
                        new V1NetworkPolicyPeer { IpBlock = new V1IPBlock { Cidr = "0.0.0.0/0", Except = exceptV4 } },
                        new V1NetworkPolicyPeer { IpBlock = new V1IPBlock { Cidr = "::/0", Except = exceptV6 } },
                    ],
                    Ports = Tcp([.. InternetPorts]),
                },
                Dns(),
            ],
        });
    }

    /// <summary>
    /// Refuses a cluster range an API server would refuse (a non-canonical form, host bits set, an IPv4-mapped
    /// address) or that would close pipelock's way out altogether, before anything is written.
    /// </summary>
    public static void CheckClusterCidrs(IReadOnlyList<string> cidrs)
    {
        for (var i = 0; i < cidrs.Count; i++)
        {
            var valid = System.Net.IPNetwork.TryParse(cidrs[i], out var network) && network.ToString() == cidrs[i]
                        && !network.BaseAddress.IsIPv4MappedToIPv6 && network.PrefixLength > 0;
            if (!valid)
                throw new InvalidOperationException($"{KubernetesSettings.ClusterCidrsKey}:{i} is '{cidrs[i]}', which is no range of the cluster's " +
                                                    "to keep pipelock from: write a canonical CIDR with no host bits set and a prefix length above 0 " +
                                                    "(203.0.113.0/24, 2001:db8::/32), then publish again; nothing was published");
        }
    }

    private static V1NetworkPolicy Policy(string name, string ns, ResolvedBottle bottle, V1NetworkPolicySpec spec) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "NetworkPolicy",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = Labels(bottle) },
        Spec = spec,
    };

    private static V1LabelSelector Role(string role) => new() { MatchLabels = Selector(role) };

    /// <summary>Pods of this namespace only: a peer without a namespace selector never matches another namespace.</summary>
    private static V1NetworkPolicyPeer Pods(string role) => new() { PodSelector = Role(role) };

    /// <summary>The cluster's DNS pods on port 53, UDP and TCP.</summary>
    private static V1NetworkPolicyEgressRule Dns() => new()
    {
        To =
        [
            new V1NetworkPolicyPeer
            {
                NamespaceSelector = new V1LabelSelector { MatchLabels = new SortedDictionary<string, string>(StringComparer.Ordinal) { [NamespaceNameLabel] = DnsNamespace } },
                PodSelector = new V1LabelSelector { MatchLabels = new SortedDictionary<string, string>(StringComparer.Ordinal) { [DnsLabel] = DnsLabelValue } },
            },
        ],
        Ports = [new V1NetworkPolicyPort { Protocol = "UDP", Port = 53 }, new V1NetworkPolicyPort { Protocol = "TCP", Port = 53 }],
    };

    private static List<V1NetworkPolicyPort> Tcp(params int[] ports) => [.. ports.Select(p => new V1NetworkPolicyPort { Protocol = "TCP", Port = p })];
}
