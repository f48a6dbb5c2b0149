using System.Text;
using k8s;
using k8s.Models;

namespace ClaudeBottle.Launcher.Tests.Publishing.Kubernetes;

/// <summary>
/// The published YAML read back through KubernetesClient's typed models with its strict deserializer: a field the
/// models (Kubernetes API v1.37.0) do not know, or a value of the wrong type, throws.
/// </summary>
internal static class KubernetesObjects
{
    public static IReadOnlyList<object> Strict(string yaml) => KubernetesYaml.LoadAllFromString(yaml, typeMap: null, strict: true);

    /// <summary>Every object of every YAML file, with the file it came from.</summary>
    public static List<(string Path, object Object)> All(SortedDictionary<string, byte[]> files) =>
        [.. files.Where(f => f.Key.EndsWith(".yaml", StringComparison.Ordinal))
            .SelectMany(f => Strict(Encoding.UTF8.GetString(f.Value)).Select(o => (f.Key, o)))];

    /// <summary>The pods the deployment makes: each workload's template, in its namespace.</summary>
    public static List<(string Namespace, string Workload, V1PodTemplateSpec Template)> Pods(IEnumerable<object> objects) =>
    [
        .. objects.Select(o => o switch
        {
            V1Deployment d => (d.Metadata.NamespaceProperty, d.Metadata.Name, d.Spec.Template),
            V1Job j => (j.Metadata.NamespaceProperty, j.Metadata.Name, j.Spec.Template),
            _ => default((string, string, V1PodTemplateSpec)?),
        }).OfType<(string, string, V1PodTemplateSpec)>(),
    ];

    public static IEnumerable<V1Container> Containers(V1PodSpec pod) => (pod.InitContainers ?? []).Concat(pod.Containers);
}
