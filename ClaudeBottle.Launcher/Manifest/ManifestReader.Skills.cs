using System.Collections.Immutable;
using System.Text.Json;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>Reading an agent's skills: folders within the manifest's, each with a SKILL.md.</summary>
internal sealed partial class ManifestReader
{
    private ImmutableArray<SkillSpec> ReadSkills(JsonElement element, string path)
    {
        var skills = ImmutableArray.CreateBuilder<SkillSpec>();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (value, itemPath) in Items(element, path))
        {
            if (ExpectPath(value, itemPath) is not { } written)
                continue;
            if (Path.IsPathRooted(written) || written.StartsWith('~'))
            {
                Error(itemPath, $"'{written}' is not relative; skills are directories inside the manifest's directory ({_directory}), e.g. \"skills/code-review\"");
                continue;
            }
            if (written.Split('/', '\\').Contains(".."))
            {
                Error(itemPath, $"'{written}' uses '..'; skills are directories inside the manifest's directory ({_directory}), named without '..'");
                continue;
            }
            var full = Path.GetFullPath(written, _directory);
            if (HostPaths.IsWithin(_realDirectory, HostFile.Resolve(full, out _) ?? full))
            {
                Error(itemPath, $"'{written}' leads outside the manifest's directory (to the directory itself or above it); a skill must be a directory inside {_directory}");
                continue;
            }
            if (HostPath(written, itemPath, HostPathUse.Skill) is not { } skill)
                continue;
            var real = skill.RealPath;
            var skillFile = Path.Join(real, "SKILL.md");
            if (HostFile.Inspect(skillFile, out _) is not { Kind: HostFileKind.RegularFile })
            {
                Error(itemPath, $"'{written}' has no SKILL.md; a skill is a directory holding SKILL.md");
                continue;
            }
            var name = Path.GetFileName(real);
            if (!CheckMountName(name, itemPath, "the skill's directory name"))
                continue;
            if (names.TryGetValue(name, out var other))
            {
                Error(itemPath, $"'{written}' and '{other}' are both named '{name}' and would land in the same ~/.claude/skills/{name}; rename one");
                continue;
            }
            names[name] = written;
            skills.Add(new SkillSpec(name, skill));
        }
        return skills.ToImmutable();
    }
}
