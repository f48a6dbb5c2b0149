using System.Text.Json;
using ClaudeBottle.Launcher.Resolution;
using k8s;
using k8s.Models;
using static ClaudeBottle.Launcher.Publishing.Kubernetes.KubernetesNames;

namespace ClaudeBottle.Launcher.Publishing.Kubernetes;

/// <summary>
/// What the operator makes in a bottle's namespace, as examples with the names and no value: the edge's Secret (the
/// file the edge reads, <c>{"secrets":{"NAME":""}}</c>), the ssh files' Secret, and the claims for the workspace and
/// the kept Claude state. Apart from the deployment, so that removing the deployment removes none of them.
/// </summary>
internal static class KubernetesExamples
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Secrets(ResolvedBottle bottle, string ns)
    {
        var values = new SortedDictionary<string, string>(bottle.Secrets.ToDictionary(s => s.Variable, _ => ""), StringComparer.Ordinal);
        yield return Secret(EdgeSecret, ns, bottle, new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [EdgeSecretKey] = JsonSerializer.Serialize(new Dictionary<string, SortedDictionary<string, string>> { ["secrets"] = values }, Json) + "\n",
        });
        var ssh = bottle.Mounts.Where(m => m.Kind == MountKind.Ssh).Select(m => Path.GetFileName(m.Target)).Order(StringComparer.Ordinal).ToList();
        if (ssh.Count > 0)
            yield return Secret(SshSecret, ns, bottle, new SortedDictionary<string, string>(ssh.ToDictionary(n => n, _ => ""), StringComparer.Ordinal));
    }

    /// <summary>The claims the agent mounts, when it mounts any; a size to edit, and the cluster's default storage class.</summary>
    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Claims(ResolvedBottle bottle, string ns)
    {
        if (bottle.Mounts.Any(m => m.Kind == MountKind.Workspace))
            yield return Claim(WorkspaceClaim, ns, bottle, "10Gi");
        if (bottle.State.IsKept)
            yield return Claim(StateClaim, ns, bottle, "1Gi");
    }

    private static V1Secret Secret(string name, string ns, ResolvedBottle bottle, IDictionary<string, string> data) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = Labels(bottle) },
        Type = "Opaque",
        StringData = data,
    };

    private static V1PersistentVolumeClaim Claim(string name, string ns, ResolvedBottle bottle, string size) => new()
    {
        ApiVersion = "v1",
        Kind = "PersistentVolumeClaim",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = Labels(bottle) },
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteOnce"],
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new ResourceQuantity(size) } },
        },
    };
}
