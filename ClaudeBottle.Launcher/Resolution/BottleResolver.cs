using System.Collections.Immutable;
using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Resolution;

/// <summary>Turns a validated manifest into one <see cref="ResolvedBottle"/> per agent.</summary>
public static class BottleResolver
{
    /// <summary>
    /// The credential every bottle gets when the launching user has a Claude token: the edge sets Claude's real token
    /// on api.anthropic.com, while the agent's CLAUDE_CODE_OAUTH_TOKEN is its placeholder.
    /// </summary>
    public static CredentialSpec ClaudeTokenCredential { get; } = new(
        "claude-bottle: Claude's token", "api.anthropic.com", "Authorization",
        "Bearer ${" + AgentLayout.TokenVariable + "}", [AgentLayout.TokenVariable]);

    /// <summary>
    /// Resolves every agent. <paramref name="environment"/> is the launching user's environment; a <c>${NAME}</c>
    /// it lacks is an error naming the agent and the variable (never a value). Throws
    /// <see cref="ManifestException"/> with all such errors. Each variable gets one placeholder for the whole
    /// resolution; the agents' environments hold placeholders, and only <see cref="ResolvedBottle.Secrets"/> the
    /// values their credentials need. <paramref name="derived"/> (for a publish) derives the placeholders instead of
    /// drawing them.
    /// </summary>
    public static IReadOnlyList<ResolvedBottle> Resolve(BottleManifest manifest, Func<string, string?> environment, DerivedDraw? derived = null)
    {
        var file = Path.GetFileName(manifest.FilePath);
        var errors = new List<ManifestError>();
        var bottles = new List<ResolvedBottle>();
        var book = new SecretBook(environment, derived);
        // The real path, so that the same manifest reached through a link finds its agents' state again.
        var manifestFile = HostFile.Resolve(manifest.FilePath, out _) ?? manifest.FilePath;
        foreach (var (agentName, agent) in manifest.Agents)
        {
            var bottle = manifest.Bottles[agent.Bottle];
            var credentials = Credentials(bottle, book);
            var secrets = CredentialSecrets.Resolve(file, agentName, credentials, book, errors);
            var env = MergeEnvironment(file, agentName, agent, bottle, book, errors);
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
                Environment: CredentialSecrets.AddUnmapped(env, secrets),
                Mounts: Mounts(agent, bottle),
                Limits: ResourceLimits.From(bottle.Resources),
                Prompt: agent.Prompt,
                PermissionMode: agent.PermissionMode)
            {
                Rules = bottle.Rules,
                PassThrough = bottle.PassThrough,
                Credentials = credentials,
                Secrets = secrets,
                State = AgentState.For(manifestFile, agentName, agent.Resume ? ConversationMode.Resume : ConversationMode.None),
                WorkspaceClone = agent is { CloneMode: { } clone, Workspace: { } repository }
                    ? new WorkspaceClone(repository.RealPath, clone.Ref, file, clone.JsonPath, repository)
                    : null,
            });
        }
        return errors.Count == 0 ? bottles : throw new ManifestException(errors);
    }

    private static ImmutableArray<CredentialSpec> Credentials(BottleSpec bottle, SecretBook book) =>
        book.Get(AgentLayout.TokenVariable) is { Value.Length: > 0 }
            ? [ClaudeTokenCredential, .. bottle.Credentials]
            : bottle.Credentials;

    /// <summary>Claude Code's required hosts ∪ the bottle's list: lower-cased, de-duplicated, sorted.</summary>
    public static ImmutableArray<string> EffectiveAllowlist(IEnumerable<string> bottleAllowlist) =>
        [.. ClaudeHosts.Required.Concat(bottleAllowlist)
            .Select(h => h.ToLowerInvariant())
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

    // The bottle's env, then the agent's on top (the agent wins). A reference becomes its variable's placeholder.
    private static ImmutableArray<ResolvedEnvVar> MergeEnvironment(string file, string agentName, AgentSpec agent,
        BottleSpec bottle, SecretBook book, List<ManifestError> errors)
    {
        var merged = new SortedDictionary<string, (EnvValue Value, string Path)>(StringComparer.Ordinal);
        foreach (var (name, value) in bottle.Env)
            merged[name] = (value, $"bottles.{agent.Bottle}.env.{name}");
        foreach (var (name, value) in agent.Env)
            merged[name] = (value, $"agents.{agentName}.env.{name}");

        var result = ImmutableArray.CreateBuilder<ResolvedEnvVar>();
        // The launching user's Claude token, under the name Claude Code reads; the manifest cannot set that name.
        if (book.Get(AgentLayout.TokenVariable) is { Value.Length: > 0 } token)
            result.Add(new ResolvedEnvVar(AgentLayout.AgentTokenVariable, token.Placeholder, AgentLayout.TokenVariable));
        foreach (var (name, (value, path)) in merged)
        {
            if (!value.IsReference)
            {
                result.Add(new ResolvedEnvVar(name, value.Literal!, null));
                continue;
            }
            if (book.Get(value.Variable!) is { } secret)
                result.Add(new ResolvedEnvVar(name, secret.Placeholder, value.Variable));
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
        // A workspace in clone mode is no mount: the agent gets a clone of its own (ResolvedBottle.WorkspaceClone).
        if (agent is { Workspace: { } workspace, CloneMode: null })
            mounts.Add(new BottleMount(MountKind.Workspace, workspace.RealPath, AgentLayout.Workspace, ReadOnly: false, workspace));
        return mounts.ToImmutable();
    }
}
