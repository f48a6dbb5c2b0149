using System.Globalization;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;
using k8s.Models;

namespace ClaudeBottle.Launcher.Publishing.Kubernetes;

/// <summary>
/// A bottle's skills as one ConfigMap: they are small text files the manifest's folder holds, so they travel in the
/// deployment itself, with no image to build or volume to fill; each skill is mounted read-only at its run-mode path.
/// A ConfigMap holds at most 1 MiB: larger skills are refused, with the way out (bake them into the agent's image).
/// </summary>
internal static class KubernetesSkills
{
    public const long MaxBytes = 1L << 20;

    /// <summary>The ConfigMap, the pod's volume and the agent's mounts; null when the bottle has no skill.</summary>
    public static (V1ConfigMap Map, V1Volume Volume, List<V1VolumeMount> Mounts)? For(ResolvedBottle bottle, string ns)
    {
        var skills = bottle.Mounts.Where(m => m.Kind == MountKind.Skill).OrderBy(m => m.Target, StringComparer.Ordinal).ToList();
        if (skills.Count == 0)
            return null;
        var data = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var items = new List<V1KeyToPath>();
        var mounts = new List<V1VolumeMount>();
        long total = 0;
        foreach (var skill in skills)
        {
            var name = Path.GetFileName(skill.Target);
            var files = SkillFolder.Files(skill.Source, skill.Origin?.Written ?? skill.Source, out var problem);
            if (problem is not null)
                throw new InvalidOperationException($"{Where(skill)}{problem}; nothing was published");
            foreach (var (relative, file) in files.OrderBy(f => f.Relative, StringComparer.Ordinal))
            {
                // ConfigMap keys may not hold '/': the key is a number, the path restores the tree.
                var key = $"file-{data.Count.ToString("D4", CultureInfo.InvariantCulture)}";
                var content = File.ReadAllBytes(file);
                total += content.Length;
                data[key] = content;
                var executable = !OperatingSystem.IsWindows() && (File.GetUnixFileMode(file) & UnixFileMode.UserExecute) != 0;
                items.Add(new V1KeyToPath { Key = key, Path = $"{name}/{relative.Replace('\\', '/')}", Mode = Convert.ToInt32(executable ? "555" : "444", 8) });
            }
            mounts.Add(new V1VolumeMount { Name = "skills", MountPath = skill.Target, SubPath = name, ReadOnlyProperty = true });
        }
        if (total > MaxBytes)
            throw new InvalidOperationException(
                $"{(skills[0].Origin is { } origin ? $"{origin.File}: $.agents.{bottle.Name}.skills: " : "")}the skills of agent '{bottle.Name}' hold " +
                $"{total} bytes, more than a ConfigMap's {MaxBytes}; nothing was published. " +
                "Bake them into the agent's image (a build in the manifest's \"image\") and drop them from \"skills\", or make them smaller");
        var map = new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new V1ObjectMeta { Name = KubernetesNames.SkillsConfigMap, NamespaceProperty = ns, Labels = KubernetesNames.Labels(bottle) },
            BinaryData = data,
        };
        var volume = new V1Volume { Name = "skills", ConfigMap = new V1ConfigMapVolumeSource { Name = KubernetesNames.SkillsConfigMap, Items = items } };
        return (map, volume, mounts);
    }

    private static string Where(BottleMount mount) => mount.Origin is { } origin ? $"{origin.File}: {origin.JsonPath}: " : "";
}
