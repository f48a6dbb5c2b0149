using System.Globalization;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;
using k8s.Models;

namespace ClaudeBottle.Launcher.Publishing.Kubernetes;

/// <summary>
/// Run mode's isolation probe (<see cref="IsolationProbe"/>, <c>docker/probe</c>) as the agent pod's init container:
/// from the agent's network namespace, as its user, it checks the edge answers and that nothing the NetworkPolicies
/// cannot close answers. Plugins following the Kubernetes documentation let a pod reach its own node whatever the
/// policies say; a cluster may translate the API server's Service address to a node's. So it tries the node's
/// address, the API server's Service address, pipelock's (the edge's way out, not the agent's), the metadata address
/// and a public address, on every port of <see cref="IsolationProbe.Ports"/>; if any answers, the agent never starts.
/// </summary>
internal static class KubernetesProbe
{
    /// <summary>The node's address, from the downward API (<c>status.hostIP</c>).</summary>
    public const string NodeAddressVariable = "NODE_ADDRESS";

    /// <summary>A public address (Cloudflare's resolver, which answers on 80 and 443): the agent must not reach it directly.</summary>
    public const string PublicAddress = "1.1.1.1";

    /// <summary>The cloud metadata service's link-local address.</summary>
    public const string MetadataAddress = "169.254.169.254";

    /// <summary>The addresses tried, each on every port; the kubelet expands the <c>$(NAME)</c>s from the pod's environment.</summary>
    public static readonly IReadOnlyList<string> Targets =
        [$"$({NodeAddressVariable})", "$(KUBERNETES_SERVICE_HOST)", "$(PIPELOCK_SERVICE_HOST)", MetadataAddress, PublicAddress];

    public static V1Container For(ContainerSpec agent, string image)
    {
        // Limits of its own, as run mode's probe: a shell per address and port tried at once.
        var probe = KubernetesProxies.Container(agent with { Health = null, Entrypoint = null, Image = image, Cpus = 0.5, MemoryBytes = 256L << 20 }, "probe");
        probe.Env = [new V1EnvVar { Name = NodeAddressVariable, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "status.hostIP" } } }];
        List<string> args = ["--proxy-host", "$(EDGE_SERVICE_HOST)", "--proxy-port", "$(EDGE_SERVICE_PORT_PROXY)",
            "--silence", IsolationProbe.SilenceSeconds.ToString(CultureInfo.InvariantCulture),
            // The pod may have IPv6 (a dual-stack cluster, a link-local address): the NetworkPolicies cover both families.
            "--allow-ipv6"];
        foreach (var target in Targets)
            args.AddRange(["--gateway", target]);
        foreach (var port in IsolationProbe.Ports)
            args.AddRange(["--port", port.ToString(CultureInfo.InvariantCulture)]);
        args.AddRange(["--absent-name", AgentLayout.PipelockHost]);
        probe.Args = args;
        return probe;
    }
}
