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
            var real = HostPaths.Real(full);
            if (!HostPaths.IsWithin(real, _realDirectory) || real == _realDirectory)
            {
                var via = HostPaths.IsWithin(full, _directory) ? " through a symbolic link" : "";
                Error(itemPath, $"'{written}' leads outside the manifest's directory{via} (to {real}); a skill must be a directory inside {_directory}");
                continue;
            }
            if (!Directory.Exists(real))
            {
                Error(itemPath, $"'{written}' is not a directory (looked for {full}); a skill is a directory holding SKILL.md");
                continue;
            }
            var skillFile = Path.Join(real, "SKILL.md");
            if (!File.Exists(skillFile))
            {
                Error(itemPath, $"'{written}' has no SKILL.md; a skill is a directory holding SKILL.md");
                continue;
            }
            if (!HostPaths.IsWithin(HostPaths.Real(skillFile), _realDirectory))
            {
                Error(itemPath, $"'{written}/SKILL.md' is a symbolic link leading outside the manifest's directory");
                continue;
            }
            var name = Path.GetFileName(real);
            if (names.TryGetValue(name, out var other))
            {
                Error(itemPath, $"'{written}' and '{other}' are both named '{name}' and would land in the same ~/.claude/skills/{name}; rename one");
                continue;
            }
            names[name] = written;
            skills.Add(new SkillSpec(name, real));
        }
        return skills.ToImmutable();
    }
}
