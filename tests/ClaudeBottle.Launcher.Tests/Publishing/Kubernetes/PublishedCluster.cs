using System.Net;
using ClaudeBottle.Launcher.Publishing.Kubernetes;
using k8s.Models;

namespace ClaudeBottle.Launcher.Tests.Publishing.Kubernetes;

/// <summary>
/// A cluster as the published objects make it: each workload's pod, at an address of the pod range (10.244.0.0/16, as
/// kubeadm and kind give), the cluster's DNS pod in kube-system, all on one node (at 172.18.0.2, as kind gives; another
/// node at 172.18.0.3), and the published policies, for the evaluator.
/// </summary>
internal sealed class PublishedCluster
{
    private readonly Dictionary<(string Namespace, string Role), Endpoint> pods = [];

    public PublishedCluster(IEnumerable<object> objects, Func<V1NetworkPolicy, bool>? keep = null)
    {
        var all = objects.ToList();
        var namespaces = all.OfType<V1Namespace>().ToDictionary(n => n.Metadata.Name,
            n => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(n.Metadata.Labels) { ["kubernetes.io/metadata.name"] = n.Metadata.Name });
        namespaces["kube-system"] = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "kube-system" };
        var index = 10;
        foreach (var (ns, _, template) in KubernetesObjects.Pods(all))
            pods[(ns, template.Metadata.Labels["io.claude-bottle.role"])] =
                new Endpoint(ns, template.Metadata.Labels.AsReadOnly(), IPAddress.Parse($"10.244.0.{index++}"), Node.Address);
        Dns = new Endpoint("kube-system", new Dictionary<string, string> { ["k8s-app"] = "kube-dns" }, IPAddress.Parse("10.244.1.2"), Node.Address);
        Evaluator = new NetworkPolicyEvaluator([.. all.OfType<V1NetworkPolicy>().Where(keep ?? (_ => true))], namespaces);
    }

    public NetworkPolicyEvaluator Evaluator { get; }

    public Endpoint Dns { get; }

    /// <summary>The node every pod runs on; on a kubeadm or kind control plane, also where the API server listens (6443).</summary>
    public Endpoint Node { get; } = Endpoint.External("172.18.0.2");

    public Endpoint OtherNode { get; } = Endpoint.External("172.18.0.3");

    public Endpoint Agent(string agent) => pods[(Namespace(agent), "agent")];

    public Endpoint Edge(string agent) => pods[(Namespace(agent), "edge")];

    public Endpoint Pipelock(string agent) => pods[(Namespace(agent), "proxy")];

    public bool Allows(Endpoint from, Endpoint to, int port, string protocol = "TCP") => Evaluator.Allows(from, to, port, protocol);

    private static string Namespace(string agent) => new KubernetesSettings().NamespacePrefix + agent;
}
