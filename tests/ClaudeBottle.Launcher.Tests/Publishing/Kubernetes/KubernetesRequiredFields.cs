using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace ClaudeBottle.Launcher.Tests.Publishing.Kubernetes;

/// <summary>
/// What the API server requires of each kind this deployment uses (API v1.37's required fields and name rules), and
/// what ties the objects together (a mount names a volume, a selector selects a template, a Service a port), checked
/// offline. Returns the problems, each with where it is; none when all is well.
/// </summary>
internal static partial class KubernetesRequiredFields
{
    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex DataKey();

    public static List<string> Problems(IReadOnlyList<object> objects)
    {
        var problems = new List<string>();
        foreach (var o in objects)
        {
            if (o is not IKubernetesObject<V1ObjectMeta> k)
            {
                problems.Add($"{o.GetType().Name}: not an object with metadata");
                continue;
            }
            var where = $"{k.Kind}/{k.Metadata?.Name}";
            if (string.IsNullOrEmpty(k.ApiVersion) || string.IsNullOrEmpty(k.Kind)) problems.Add($"{where}: apiVersion and kind are required");
            if (k.Metadata?.Name is not { } name || name.Length > 63 || !Label().IsMatch(name)) problems.Add($"{where}: metadata.name must be a DNS label");
            if (o is not V1Namespace && string.IsNullOrEmpty(k.Metadata?.NamespaceProperty)) problems.Add($"{where}: metadata.namespace is missing");
            foreach (var (key, value) in k.Metadata?.Labels ?? new Dictionary<string, string>())
                if (value.Length > 63 || (value.Length > 0 && !Regex.IsMatch(value, "^[a-zA-Z0-9]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?$")))
                    problems.Add($"{where}: label {key}={value} is not a valid label value");
            switch (o)
            {
                case V1Deployment d:
                    if (d.Spec?.Selector is null || d.Spec.Template is null) problems.Add($"{where}: spec.selector and spec.template are required");
                    else
                    {
                        if (d.Spec.Selector.MatchLabels.Any(l => d.Spec.Template.Metadata?.Labels?.TryGetValue(l.Key, out var v) != true || v != l.Value))
                            problems.Add($"{where}: spec.selector does not select spec.template");
                        Pod(where, d.Spec.Template.Spec, objects, problems);
                    }
                    break;
                case V1Job j:
                    if (j.Spec?.Template?.Spec is not { } jobPod) problems.Add($"{where}: spec.template is required");
                    else
                    {
                        if (jobPod.RestartPolicy is not ("Never" or "OnFailure")) problems.Add($"{where}: a Job's pods must restart Never or OnFailure");
                        Pod(where, jobPod, objects, problems);
                    }
                    break;
                case V1Service s:
                    if (s.Spec?.Ports is not { Count: > 0 } || s.Spec.Ports.Any(p => p.Port is <= 0 or > 65535)) problems.Add($"{where}: spec.ports[].port is required");
                    var targets = KubernetesObjects.Pods(objects).Where(p => p.Namespace == s.Metadata.NamespaceProperty
                        && s.Spec!.Selector.All(l => p.Template.Metadata.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
                    if (targets.Count == 0) problems.Add($"{where}: the selector selects no pod of the deployment");
                    foreach (var port in s.Spec?.Ports ?? [])
                        if (!targets.Any(t => t.Template.Spec.Containers.Any(c => c.Ports?.Any(cp => cp.ContainerPort.ToString() == port.TargetPort?.Value) == true)))
                            problems.Add($"{where}: no selected container listens on target port {port.TargetPort?.Value}");
                    break;
                case V1NetworkPolicy n:
                    if (n.Spec?.PodSelector is null) problems.Add($"{where}: spec.podSelector is required");
                    foreach (var block in (n.Spec?.Egress ?? []).SelectMany(e => e.To ?? []).Select(t => t.IpBlock).OfType<V1IPBlock>())
                    {
                        var cidr = System.Net.IPNetwork.Parse(block.Cidr);
                        foreach (var except in block.Except ?? [])
                            if (!cidr.Contains(System.Net.IPNetwork.Parse(except).BaseAddress)) problems.Add($"{where}: except {except} is outside {block.Cidr}");
                    }
                    break;
                case V1ConfigMap c:
                    var keys = (c.Data?.Keys ?? []).Concat(c.BinaryData?.Keys ?? []).ToList();
                    if (keys.FirstOrDefault(key => !DataKey().IsMatch(key)) is { } bad) problems.Add($"{where}: '{bad}' is not a valid key");
                    if ((c.Data?.Values.Sum(v => (long)v.Length) ?? 0) + (c.BinaryData?.Values.Sum(v => (long)v.Length) ?? 0) > 1 << 20)
                        problems.Add($"{where}: more than 1 MiB");
                    break;
                case V1PersistentVolumeClaim pvc:
                    if (pvc.Spec?.AccessModes is not { Count: > 0 } || pvc.Spec.Resources?.Requests?.ContainsKey("storage") != true)
                        problems.Add($"{where}: accessModes and a storage request are required");
                    break;
            }
        }
        return problems;
    }

    private static void Pod(string where, V1PodSpec pod, IReadOnlyList<object> objects, List<string> problems)
    {
        if (pod.Containers is not { Count: > 0 }) problems.Add($"{where}: spec.containers is required");
        var containers = KubernetesObjects.Containers(pod).ToList();
        var volumes = (pod.Volumes ?? []).Select(v => v.Name).ToList();
        if (volumes.Distinct().Count() != volumes.Count) problems.Add($"{where}: volume names repeat");
        if (containers.Select(c => c.Name).Distinct().Count() != containers.Count) problems.Add($"{where}: container names repeat");
        foreach (var c in containers)
        {
            if (c.Name is not { } name || !Label().IsMatch(name) || string.IsNullOrEmpty(c.Image)) problems.Add($"{where}: a container needs a name (DNS label) and an image");
            foreach (var mount in c.VolumeMounts ?? [])
                if (!volumes.Contains(mount.Name) || string.IsNullOrEmpty(mount.MountPath)) problems.Add($"{where}: {c.Name} mounts '{mount.Name}', which is no volume");
            if ((c.Env ?? []).Any(e => string.IsNullOrEmpty(e.Name))) problems.Add($"{where}: {c.Name} has an env var without a name");
            if ((c.Ports ?? []).Any(p => p.ContainerPort is <= 0 or > 65535)) problems.Add($"{where}: {c.Name} has a port without containerPort");
        }
        var ns = objects.OfType<IKubernetesObject<V1ObjectMeta>>().ToList();
        foreach (var volume in pod.Volumes ?? [])
        {
            if (volume.ConfigMap is { } map && !ns.OfType<V1ConfigMap>().Any(m => m.Metadata.Name == map.Name))
                problems.Add($"{where}: volume {volume.Name} names ConfigMap {map.Name}, which is not published");
            foreach (var item in volume.ConfigMap?.Items ?? [])
                if (ns.OfType<V1ConfigMap>().First(m => m.Metadata.Name == volume.ConfigMap!.Name) is var m
                    && m.Data?.ContainsKey(item.Key) != true && m.BinaryData?.ContainsKey(item.Key) != true)
                    problems.Add($"{where}: volume {volume.Name} names key {item.Key}, which ConfigMap {m.Metadata.Name} lacks");
            if (volume.Secret is { SecretName: null } || volume.PersistentVolumeClaim is { ClaimName: null })
                problems.Add($"{where}: volume {volume.Name} names no Secret or claim");
        }
    }
}
