using System.Collections.Immutable;
using System.Text.Json;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>Reading an agent: its bottle, prompt, workspace, permission mode, whether it resumes.</summary>
internal sealed partial class ManifestReader
{
    private AgentSpec? ReadAgent(JsonElement element, string path, HashSet<string> bottleNames)
    {
        if (!ExpectKind(element, path, JsonValueKind.Object))
            return null;
        var before = _errors.Count;
        var agent = new AgentSpec(BottleManifest.DefaultBottle, [],
            ImmutableSortedDictionary.Create<string, EnvValue>(StringComparer.Ordinal), null, null);
        foreach (var (key, value, childPath) in Properties(element, path, AgentKeys))
        {
            switch (key)
            {
                case "bottle":
                    if (ExpectString(value, childPath) is { } bottle)
                    {
                        if (!bottleNames.Contains(bottle))
                            Error(childPath, $"names bottle '{bottle}', which is not defined{DidYouMean(bottle, bottleNames)}; " +
                                             $"defined bottles: {string.Join(", ", bottleNames.Order(StringComparer.Ordinal))}");
                        agent = agent with { Bottle = bottle };
                    }
                    break;
                case "skills": agent = agent with { Skills = ReadSkills(value, childPath) }; break;
                case "env": agent = agent with { Env = ReadEnv(value, childPath) }; break;
                case "prompt":
                    if (ExpectString(value, childPath) is { } prompt)
                    {
                        if (string.IsNullOrWhiteSpace(prompt))
                            Error(childPath, "is empty; give the agent a task, or leave \"prompt\" out to run Claude interactively");
                        else if (prompt.Contains('\0'))
                            Error(childPath, "contains a NUL character, which cannot be passed to a process");
                        agent = agent with { Prompt = prompt };
                    }
                    break;
                case "permissionMode":
                    if (ExpectString(value, childPath) is { } mode)
                    {
                        if (AgentSpec.PermissionModes.Contains(mode))
                            agent = agent with { PermissionMode = mode };
                        else
                            Error(childPath, $"'{NameRules.Printable(mode)}' is not a permission mode{DidYouMean(mode, AgentSpec.PermissionModes)}; " +
                                             $"expected one of: {string.Join(", ", AgentSpec.PermissionModes)}");
                    }
                    break;
                case "resume":
                    if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                        agent = agent with { Resume = value.GetBoolean() };
                    else
                        Error(childPath, $"must be true or false, not {JsonPaths.Describe(value.ValueKind)}; true keeps the agent's " +
                                         "conversation between runs and continues it at the next start");
                    break;
                case "workspace": agent = ReadWorkspace(value, childPath, agent); break;
            }
        }
        return _errors.Count == before ? agent : null;
    }
}
