using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Publishing.Kubernetes;

/// <summary>
/// The names, labels and ports of a bottle's objects. Each bottle has a namespace of its own, so the in-bottle names
/// run mode uses (<c>edge</c>, <c>pipelock</c>) are the Services' names unchanged, and the edge's configuration from the
/// plan is used as it is.
/// </summary>
internal static class KubernetesNames
{
    public const string RoleLabel = BottleLabels.Role;
    public const string AgentRole = "agent";
    public const string EdgeRole = EdgeProxy.Role;
    public const string PipelockRole = "proxy";

    public const string EdgeService = AgentLayout.ProxyHost;
    public const string PipelockService = AgentLayout.PipelockHost;

    /// <summary>A second container of the edge's pod serves the run CA's certificates (never the key) on this port.</summary>
    public const int CaPort = 8081;

    public const string EdgeConfigMap = "edge";
    public const string PipelockConfigMap = "pipelock";
    public const string SkillsConfigMap = "skills";

    /// <summary>The Secret the operator creates with the edge's real values; the key is the file the edge reads.</summary>
    public const string EdgeSecret = "edge-secrets";
    public static readonly string EdgeSecretKey = Path.GetFileName(EdgeProxy.SecretsFile);

    /// <summary>The Secret the operator creates with the bottle's ssh files, when it has any.</summary>
    public const string SshSecret = "ssh-files";

    /// <summary>Claims the operator provides: the workspace, and the Claude state of an agent that resumes.</summary>
    public const string WorkspaceClaim = "workspace";
    public const string StateClaim = "claude-state";

    /// <summary>The cluster's DNS pods, by the labels kubeadm, kind, k3s and the managed clusters give CoreDNS.</summary>
    public const string DnsNamespace = "kube-system";
    public const string DnsLabel = "k8s-app";
    public const string DnsLabelValue = "kube-dns";
    public const string NamespaceNameLabel = "kubernetes.io/metadata.name";

    public static string Namespace(KubernetesSettings settings, ResolvedBottle bottle)
    {
        var name = settings.NamespacePrefix + bottle.Name;
        if (name.Length > 63 || !System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"))
            throw new InvalidOperationException($"the namespace '{name}' of agent '{bottle.Name}' is not a Kubernetes namespace name (lower-case letters, " +
                                                "digits and '-', at most 63 characters): shorten or fix the namespace prefix; nothing was published");
        return name;
    }

    /// <summary>Project, bottle, agent and role: what selects a pod, and what an operator filters by.</summary>
    public static SortedDictionary<string, string> Labels(ResolvedBottle bottle, string? role = null)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [BottleLabels.Project] = BottleLabels.ProjectValue, [BottleLabels.Bottle] = bottle.BottleName, [BottleLabels.Agent] = bottle.Name,
        };
        if (role is not null)
            labels[RoleLabel] = role;
        return labels;
    }

    public static SortedDictionary<string, string> Selector(string role) => new(StringComparer.Ordinal) { [RoleLabel] = role };
}
