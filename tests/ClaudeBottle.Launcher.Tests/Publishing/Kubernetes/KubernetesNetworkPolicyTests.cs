using ClaudeBottle.Launcher.Publishing.Kubernetes;
using k8s.Models;

namespace ClaudeBottle.Launcher.Tests.Publishing.Kubernetes;

/// <summary>
/// What the published NetworkPolicies mean, not what they look like: the evaluator answers, from the objects read back
/// from the published files, which pod may open which connection. Two bottles (tester and builder) share the cluster.
/// </summary>
public sealed class KubernetesNetworkPolicyTests
{
    private static readonly List<object> Objects = [.. KubernetesObjects.All(KubernetesPublished.Publish("several-bottles-and-agents.jsonc")).Select(o => o.Object)];

    private readonly PublishedCluster cluster = new(Objects);

    private const string Internet = "93.184.215.14";

    [Fact]
    public void The_agent_reaches_its_own_edge_and_its_node_and_nothing_else()
    {
        cluster.Allows(cluster.Agent("tester"), cluster.Edge("tester"), 8080).Should().BeTrue("the edge is the agent's proxy");
        cluster.Allows(cluster.Agent("tester"), cluster.Edge("tester"), KubernetesNames.CaPort).Should().BeTrue("the agent fetches the run CA's certificates there");
        cluster.Allows(cluster.Agent("tester"), cluster.Edge("tester"), 22).Should().BeFalse();
        cluster.Allows(cluster.Agent("tester"), Endpoint.External(Internet), 443).Should().BeFalse("the agent has no way out but its edge");
        cluster.Allows(cluster.Agent("tester"), Endpoint.External("2606:4700::1111"), 443).Should().BeFalse();
        cluster.Allows(cluster.Agent("tester"), cluster.Edge("builder"), 8080).Should().BeFalse("another bottle's edge is not this agent's");
        cluster.Allows(cluster.Agent("tester"), cluster.Pipelock("tester"), 8888).Should().BeFalse("pipelock is reached through the edge only");
        cluster.Allows(cluster.Agent("tester"), cluster.Pipelock("tester"), 9090).Should().BeFalse("the scan API is the edge's");
        cluster.Allows(cluster.Agent("tester"), cluster.Dns, 53, "UDP").Should().BeFalse("the agent resolves no name: DNS could carry data out");
        cluster.Allows(cluster.Agent("tester"), cluster.Agent("builder"), 8080).Should().BeFalse();
        cluster.Allows(cluster.Agent("tester"), Endpoint.External("169.254.169.254"), 80).Should().BeFalse();
        cluster.Allows(cluster.Agent("tester"), cluster.OtherNode, 10250).Should().BeFalse("another node is not the pod's own");
        cluster.Allows(cluster.Agent("tester"), cluster.OtherNode, 30080).Should().BeFalse();
    }

    [Fact]
    public void Plugins_that_follow_the_documentation_let_every_pod_reach_its_own_node_whatever_the_policies_say()
    {
        // What no policy can close, and the agent's init container "probe" checks instead: the node's kubelet, any
        // NodePort, a host-network pod's port; where the API server runs on the node, its Service address (10.96.0.1:443)
        // is translated to node:6443 before the policy sees it.
        foreach (var port in new[] { 22, 6443, 10250, 30080 })
            cluster.Allows(cluster.Agent("tester"), cluster.Node, port).Should().BeTrue($"the node's port {port}: a residual risk docs/security.md names");
        cluster.Allows(cluster.Node, cluster.Agent("tester"), 8080).Should().BeTrue("the kubelet's probes come from the node");
        cluster.Allows(cluster.Edge("tester"), cluster.Node, 6443).Should().BeTrue();
        cluster.Allows(cluster.Agent("tester"), Endpoint.External("::ffff:172.18.0.2"), 6443).Should().BeTrue("the same address, as a dual-stack socket writes it");
    }

    [Fact]
    public void Only_the_bottle_s_own_agent_reaches_its_edge()
    {
        cluster.Allows(cluster.Agent("builder"), cluster.Edge("tester"), 8080).Should().BeFalse();
        cluster.Allows(cluster.Agent("builder"), cluster.Edge("tester"), KubernetesNames.CaPort).Should().BeFalse();
        cluster.Allows(cluster.Edge("builder"), cluster.Pipelock("tester"), 8888).Should().BeFalse("another bottle's edge may not use this pipelock");
        cluster.Allows(Endpoint.External(Internet), cluster.Edge("tester"), 8080).Should().BeFalse();
        cluster.Allows(Endpoint.External(Internet), cluster.Pipelock("tester"), 8888).Should().BeFalse();
    }

    [Fact]
    public void The_edge_reaches_its_pipelock_alone_not_even_DNS()
    {
        cluster.Allows(cluster.Edge("tester"), cluster.Pipelock("tester"), 8888).Should().BeTrue();
        cluster.Allows(cluster.Edge("tester"), cluster.Pipelock("tester"), 9090).Should().BeTrue("the edge asks the scan API");
        cluster.Allows(cluster.Edge("tester"), cluster.Dns, 53, "UDP").Should().BeFalse("the edge holds the credentials, and finds pipelock by its Service's address");
        cluster.Allows(cluster.Edge("tester"), cluster.Dns, 53).Should().BeFalse();
        cluster.Allows(cluster.Edge("tester"), Endpoint.External(Internet), 443).Should().BeFalse();
        cluster.Allows(cluster.Edge("tester"), Endpoint.External("10.0.0.5"), 443).Should().BeFalse();
        cluster.Allows(cluster.Edge("tester"), cluster.Agent("tester"), 8080).Should().BeFalse("the edge answers; it opens nothing to the agent");
    }

    [Fact]
    public void Pipelock_reaches_public_addresses_on_http_and_https_only()
    {
        var pipelock = cluster.Pipelock("tester");
        cluster.Allows(pipelock, Endpoint.External(Internet), 443).Should().BeTrue();
        cluster.Allows(pipelock, Endpoint.External(Internet), 80).Should().BeTrue();
        cluster.Allows(pipelock, Endpoint.External("2606:4700::1111"), 443).Should().BeTrue();
        cluster.Allows(pipelock, Endpoint.External(Internet), 22).Should().BeFalse();
        cluster.Allows(pipelock, cluster.Dns, 53, "UDP").Should().BeTrue("pipelock resolves the allowlisted hosts");
        var special = new[]
        {
            "10.0.0.5", "172.16.3.4", "192.168.1.1", "100.64.0.1", "127.0.0.1", "169.254.169.254", "0.1.2.3", "192.0.0.8", "198.18.0.1", "198.19.255.1", "240.0.0.1",
            "255.255.255.255", "fd00::1", "fe80::1", "::1", "64:ff9b::a00:5", "64:ff9b:1::a00:5", "2002:a00:5::1",
            // Sent as IPv4 10.0.0.5: the IPv4 exceptions keep it, with no IPv4-mapped range in the IPv6 ones.
            "::ffff:10.0.0.5",
        };
        foreach (var address in special)
            cluster.Allows(pipelock, Endpoint.External(address), 443).Should().BeFalse($"{address} is private, special-purpose, leads into IPv4, or is the metadata service's");
        cluster.Allows(pipelock, cluster.OtherNode, 443).Should().BeFalse("the nodes are in a private range");
        cluster.Allows(pipelock, cluster.Edge("builder"), 8080).Should().BeFalse("pods are in the private ranges");
        cluster.Allows(pipelock, cluster.Agent("tester"), 443).Should().BeFalse();
    }

    [Fact]
    public void The_evaluator_sees_what_a_policy_change_opens()
    {
        // Without the default deny and the agent's policy, nothing selects the agent: it is open, as in a cluster.
        var open = new PublishedCluster(Objects, p => p.Metadata.Name is not ("default-deny" or "agent"));
        open.Allows(open.Agent("tester"), Endpoint.External(Internet), 443).Should().BeTrue();

        // Without its exceptions, the internet rule would let pipelock reach the metadata address.
        var unexcepted = Objects.Select(o => o is V1NetworkPolicy { Metadata.Name: "pipelock" } p ? Strip(p) : o).ToList();
        new PublishedCluster(unexcepted).Allows(cluster.Pipelock("tester"), Endpoint.External("169.254.169.254"), 80).Should().BeTrue();
    }

    [Fact]
    public void Every_ipBlock_is_one_a_strict_API_server_accepts()
    {
        // KEP-4858's strict validation refuses non-canonical and IPv4-mapped CIDRs: a refused policy would leave
        // pipelock no way out at all.
        var blocks = Objects.OfType<V1NetworkPolicy>().SelectMany(p => p.Spec.Egress ?? []).SelectMany(e => e.To ?? []).Select(t => t.IpBlock).OfType<V1IPBlock>().ToList();
        blocks.Should().NotBeEmpty();
        foreach (var cidr in blocks.SelectMany(b => (b.Except ?? []).Prepend(b.Cidr)))
        {
            var network = System.Net.IPNetwork.Parse(cidr);
            network.ToString().Should().Be(cidr, "canonical form");
            network.BaseAddress.IsIPv4MappedToIPv6.Should().BeFalse(cidr);
        }
    }

    [Fact]
    public void The_cluster_s_own_public_ranges_are_kept_from_pipelock_too()
    {
        var settings = KubernetesPublished.Settings with { ClusterCidrs = ["203.0.113.0/24", "2001:db8::/32"] };
        var objects = KubernetesObjects.All(KubernetesPublisher.Publish(KubernetesPublished.Bottles("several-bottles-and-agents.jsonc"), settings)).Select(o => o.Object);
        var own = new PublishedCluster(objects);
        var pipelock = own.Pipelock("tester");
        own.Allows(pipelock, Endpoint.External("203.0.113.7"), 443).Should().BeFalse();
        own.Allows(pipelock, Endpoint.External("2001:db8::7"), 443).Should().BeFalse();
        own.Allows(pipelock, Endpoint.External(Internet), 443).Should().BeTrue();
        cluster.Allows(cluster.Pipelock("tester"), Endpoint.External("203.0.113.7"), 443).Should().BeTrue("without the setting, a public range");
    }

    [Theory]
    [InlineData("10.0.0.1/8")]
    [InlineData("::ffff:10.0.0.0/104")]
    [InlineData("0.0.0.0/0")]
    [InlineData("2001:DB8::/32")]
    [InlineData("203.0.113.0")]
    public void A_cluster_range_an_API_server_would_refuse_stops_the_publish(string cidr)
    {
        var settings = KubernetesPublished.Settings with { ClusterCidrs = ["203.0.113.0/24", cidr] };
        var publish = () => KubernetesPublisher.Publish(KubernetesPublished.Bottles("minimal.jsonc"), settings);
        publish.Should().Throw<InvalidOperationException>().WithMessage($"{KubernetesSettings.ClusterCidrsKey}:1 is '{cidr}'*canonical CIDR*nothing was published");
    }

    [Fact]
    public void A_policy_without_policyTypes_is_of_egress_when_it_has_egress_rules()
    {
        // The agent's policy alone, its types left to the default: its egress rule still closes everything else.
        var untyped = Objects.Where(o => o is not V1NetworkPolicy { Metadata.Name: "default-deny" })
            .Select(o => o is V1NetworkPolicy { Metadata.Name: "agent" } p ? Untyped(p) : o).ToList();
        var only = new PublishedCluster(untyped);
        only.Allows(only.Agent("tester"), only.Edge("tester"), 8080).Should().BeTrue();
        only.Allows(only.Agent("tester"), Endpoint.External(Internet), 443).Should().BeFalse("an egress rule makes the policy one of Egress");
        NetworkPolicyEvaluator.Types(new V1NetworkPolicySpec { PodSelector = new V1LabelSelector() }).Should().Equal("Ingress");
    }

    private static V1NetworkPolicy Untyped(V1NetworkPolicy policy)
    {
        var copy = k8s.KubernetesYaml.Deserialize<V1NetworkPolicy>(k8s.KubernetesYaml.Serialize(policy));
        copy.Spec.PolicyTypes = null;
        return copy;
    }

    private static V1NetworkPolicy Strip(V1NetworkPolicy policy)
    {
        var copy = k8s.KubernetesYaml.Deserialize<V1NetworkPolicy>(k8s.KubernetesYaml.Serialize(policy));
        foreach (var block in copy.Spec.Egress.SelectMany(e => e.To ?? []).Select(t => t.IpBlock).OfType<V1IPBlock>())
            block.Except = null;
        return copy;
    }
}
