using System.Globalization;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using k8s.Models;

namespace ClaudeBottle.Launcher.Publishing.Kubernetes;

/// <summary>
/// Run mode's container hardening (<see cref="ContainerSpec"/>) in Kubernetes' terms: a numeric non-root user and group,
/// every capability dropped, no privilege escalation, a read-only root filesystem, the runtime's default seccomp
/// profile, and limits on CPU and memory. Not run mode's process limit: a pod spec has no field for one; the kubelet's
/// <c>podPidsLimit</c>, the node's setting, is the only cap (docs/publish.md).
/// </summary>
internal static class KubernetesHardening
{
    public static V1SecurityContext Container(ContainerSpec spec)
    {
        var (user, group) = Ids(spec.User ?? throw new InvalidOperationException($"{spec.Name} has no user: every container of a bottle runs as one"));
        return new V1SecurityContext
        {
            RunAsNonRoot = true,
            RunAsUser = user,
            RunAsGroup = group,
            AllowPrivilegeEscalation = !spec.NoNewPrivileges,
            ReadOnlyRootFilesystem = spec.ReadOnlyRootFilesystem,
            Privileged = false,
            Capabilities = spec.DropAllCapabilities ? new V1Capabilities { Drop = ["ALL"] } : null,
            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
        };
    }

    /// <summary>
    /// The pod's side: no service account token (nothing in a bottle talks to the API server), the files of volumes
    /// owned by the containers' group, and the same non-root user for any container added later.
    /// </summary>
    public static V1PodSecurityContext Pod(ContainerSpec spec)
    {
        var (user, group) = Ids(spec.User!);
        return new V1PodSecurityContext
        {
            RunAsNonRoot = true,
            RunAsUser = user,
            RunAsGroup = group,
            FsGroup = group,
            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
        };
    }

    /// <summary>Requests equal to limits: the pod is Guaranteed, so the node evicts it last and never lets it burst.</summary>
    public static V1ResourceRequirements Resources(ContainerSpec spec)
    {
        var limits = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        if (spec.Cpus is { } cpus)
            limits["cpu"] = new ResourceQuantity(Millicores(cpus));
        if (spec.MemoryBytes is { } memory)
            limits["memory"] = new ResourceQuantity(Quantity(memory));
        return new V1ResourceRequirements { Limits = limits, Requests = new Dictionary<string, ResourceQuantity>(limits, StringComparer.Ordinal) };
    }

    /// <summary>A tmpfs of run mode (<c>size=…</c> among its options) as a memory-backed emptyDir of that size.</summary>
    public static V1Volume Tmpfs(string name, string options)
    {
        var size = options.Split(',').Select(o => o.Trim()).FirstOrDefault(o => o.StartsWith("size=", StringComparison.Ordinal))?[5..];
        long? bytes = size is not null && MemorySize.TryParse(size, out var parsed) ? parsed : null;
        return MemoryVolume(name, bytes);
    }

    public static V1Volume MemoryVolume(string name, long? bytes) => new()
    {
        Name = name,
        EmptyDir = new V1EmptyDirVolumeSource { Medium = "Memory", SizeLimit = bytes is { } b ? new ResourceQuantity(Quantity(b)) : null },
    };

    public static string Quantity(long bytes)
    {
        foreach (var (suffix, shift) in new[] { ("Gi", 30), ("Mi", 20), ("Ki", 10) })
            if (bytes != 0 && bytes % (1L << shift) == 0)
                return (bytes >> shift).ToString(CultureInfo.InvariantCulture) + suffix;
        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    private static string Millicores(double cpus) => ((long)Math.Round(cpus * 1000)).ToString(CultureInfo.InvariantCulture) + "m";

    private static (long User, long Group) Ids(string user)
    {
        var parts = user.Split(':');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts.Length > 1 ? parts[1] : parts[0], CultureInfo.InvariantCulture));
    }
}
