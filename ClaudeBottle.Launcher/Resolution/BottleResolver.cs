using System.Collections.Immutable;
using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Resolution;

/// <summary>Turns a validated manifest into one <see cref="ResolvedBottle"/> per agent.</summary>
public static class BottleResolver
{
    /// <summary>
    /// Resolves every agent. <paramref name="environment"/> is the launching user's environment; a <c>${NAME}</c>
    /// it lacks is an error naming the agent and the variable (never a value). Throws
    /// <see cref="ManifestException"/> with all such errors.
    /// </summary>
    public static IReadOnlyList<ResolvedBottle> Resolve(BottleManifest manifest, Func<string, string?> environment)
    {
        var file = Path.GetFileName(manifest.FilePath);
        var errors = new List<ManifestError>();
        var bottles = new List<ResolvedBottle>();
        foreach (var (agentName, agent) in manifest.Agents)
        {
            var bottle = manifest.Bottles[agent.Bottle];
            var env = MergeEnvironment(file, agentName, agent, bottle, environment, errors);
            bottles.Add(new ResolvedBottle(
                Name: agentName,
                BottleName: agent.Bottle,
                Image: bottle switch
                {
                    { Image: { } image } => new ImageSource.Reference(image),
                    { Build: { } build } => new ImageSource.Build(build.Context, build.Dockerfile, build.Origin),
                    _ => new ImageSource.Standard(),
                },
                Allowlist: EffectiveAllowlist(bottle.Allowlist),
                Environment: env,
                Mounts: Mounts(agent, bottle),
                Limits: ResourceLimits.From(bottle.Resources),
                Prompt: agent.Prompt,
                PermissionMode: agent.PermissionMode));
        }
        return errors.Count == 0 ? bottles : throw new ManifestException(errors);
    }

    /// <summary>Claude Code's required hosts ∪ the bottle's list: lower-cased, de-duplicated, sorted.</summary>
    public static ImmutableArray<string> EffectiveAllowlist(IEnumerable<string> bottleAllowlist) =>
        [.. ClaudeHosts.Required.Concat(bottleAllowlist)
            .Select(h => h.ToLowerInvariant())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

    // The bottle's env, then the agent's on top (the agent wins).
    private static ImmutableArray<ResolvedEnvVar> MergeEnvironment(string file, string agentName, AgentSpec agent,
        BottleSpec bottle, Func<string, string?> environment, List<ManifestError> errors)
    {
        var merged = new SortedDictionary<string, (EnvValue Value, string Path)>(StringComparer.Ordinal);
        foreach (var (name, value) in bottle.Env)
            merged[name] = (value, $"bottles.{agent.Bottle}.env.{name}");
        foreach (var (name, value) in agent.Env)
            merged[name] = (value, $"agents.{agentName}.env.{name}");

        var result = ImmutableArray.CreateBuilder<ResolvedEnvVar>();
        // The launching user's Claude token, under the name Claude Code reads; the manifest cannot set that name.
        if (environment(AgentLayout.TokenVariable) is { Length: > 0 } token)
            result.Add(new ResolvedEnvVar(AgentLayout.AgentTokenVariable, token, AgentLayout.TokenVariable));
        foreach (var (name, (value, path)) in merged)
        {
            if (!value.IsReference)
            {
                result.Add(new ResolvedEnvVar(name, value.Literal!, null));
                continue;
            }
            if (environment(value.Variable!) is { } resolved)
                result.Add(new ResolvedEnvVar(name, resolved, value.Variable));
            else
                errors.Add(new ManifestError(file, path,
                    $"agent '{agentName}' needs ${{{value.Variable}}}, but {value.Variable} is not set in the environment " +
                    "that launched claude-bottle; export it first"));
        }
        return result.ToImmutable();
    }

    private static ImmutableArray<BottleMount> Mounts(AgentSpec agent, BottleSpec bottle)
    {
        var mounts = ImmutableArray.CreateBuilder<BottleMount>();
        foreach (var skill in agent.Skills)
            mounts.Add(new BottleMount(MountKind.Skill, skill.Directory, $"{AgentLayout.SkillsDirectory}/{skill.Name}", ReadOnly: true, skill.Origin));
        foreach (var file in bottle.SshFiles)
            mounts.Add(new BottleMount(MountKind.Ssh, file.RealPath, $"{AgentLayout.SshDirectory}/{Path.GetFileName(file.Full)}", ReadOnly: true, file));
        if (agent.Workspace is { } workspace)
            mounts.Add(new BottleMount(MountKind.Workspace, workspace.RealPath, AgentLayout.Workspace, ReadOnly: false, workspace));
        return mounts.ToImmutable();
    }
}
