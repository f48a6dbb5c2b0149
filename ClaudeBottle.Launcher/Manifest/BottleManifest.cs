using System.Collections.Immutable;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>A validated <c>claude-bottle.json</c>. Paths in it are absolute host paths.</summary>
public sealed record BottleManifest(
    string FilePath,
    string Directory,
    ImmutableSortedDictionary<string, BottleSpec> Bottles,
    ImmutableSortedDictionary<string, AgentSpec> Agents)
{
    /// <summary>The bottle an agent uses when it names none; implicit (and empty) when the manifest omits it.</summary>
    public const string DefaultBottle = "default";
}

/// <summary>What a bottle grants: environment, ssh files, egress (and its rules), credentials, limits and the image.</summary>
public sealed record BottleSpec(
    ImmutableSortedDictionary<string, EnvValue> Env,
    ImmutableArray<ManifestPath> SshFiles,
    ImmutableArray<string> Allowlist,
    ResourceSpec Resources,
    string? Image,
    BuildSpec? Build)
{
    public static BottleSpec Empty { get; } = new(
        ImmutableSortedDictionary.Create<string, EnvValue>(StringComparer.Ordinal),
        [], [], new ResourceSpec(null, null, null), null, null);

    /// <summary>Narrowings of allowlisted hosts (methods, paths), applied where the edge proxy decrypts TLS.</summary>
    public ImmutableArray<EgressRuleSpec> Rules { get; init; } = [];

    /// <summary>Allowlisted hosts whose TLS the edge does not decrypt: host-level control only, no rules, no credentials.</summary>
    public ImmutableArray<string> PassThrough { get; init; } = [];

    /// <summary>Headers the edge sets on requests to one host, from the launching environment; the agent sees placeholders.</summary>
    public ImmutableArray<CredentialSpec> Credentials { get; init; } = [];
}

/// <summary>Optional container limits; null means "use the default".</summary>
public sealed record ResourceSpec(double? Cpus, long? MemoryBytes, long? Pids);

/// <summary>A Dockerfile (extending the standard agent image) and the directory it builds in.</summary>
/// <param name="Context">The build context's real path.</param>
/// <param name="Dockerfile">The Dockerfile's real path, inside the context.</param>
/// <param name="Origin">The context as it was checked at load, compared again just before it is read.</param>
public sealed record BuildSpec(string Context, string Dockerfile, ManifestPath? Origin = null);

/// <summary>One agent: which bottle it runs in, what it brings, and what it is asked to do.</summary>
public sealed record AgentSpec(
    string Bottle,
    ImmutableArray<SkillSpec> Skills,
    ImmutableSortedDictionary<string, EnvValue> Env,
    string? Prompt,
    ManifestPath? Workspace,
    string PermissionMode = AgentSpec.DefaultPermissionMode)
{
    /// <summary>The bottle is the boundary, so inside it Claude runs with full permissions unless told otherwise.</summary>
    public const string DefaultPermissionMode = "bypassPermissions";

    /// <summary>Set when the workspace is taken in clone mode: the agent works in a private clone, never in the folder itself.</summary>
    public CloneSpec? CloneMode { get; init; }

    /// <summary>Whether the agent's Claude state is kept between runs and each start continues its last conversation.</summary>
    public bool Resume { get; init; }

    /// <summary>Claude Code's <c>--permission-mode</c> values.</summary>
    public static readonly IReadOnlyList<string> PermissionModes = ["default", "acceptEdits", "plan", "bypassPermissions"];
}

/// <summary>A skill directory (holding <c>SKILL.md</c>); <see cref="Name"/> is its folder name, <see cref="Directory"/> its real path.</summary>
public sealed record SkillSpec(string Name, ManifestPath Origin)
{
    public string Directory => Origin.RealPath;
}

/// <summary>
/// An environment value as written in the manifest: a literal, or a <c>${NAME}</c> reference to the launching
/// user's environment. A reference is resolved only at launch and its value is never stored.
/// </summary>
public sealed record EnvValue
{
    private EnvValue(string? literal, string? variable) => (Literal, Variable) = (literal, variable);

    public string? Literal { get; }

    /// <summary>The launching environment's variable this value comes from, if it is a reference.</summary>
    public string? Variable { get; }

    public bool IsReference => Variable is not null;

    public static EnvValue FromLiteral(string value) => new(value, null);

    public static EnvValue FromVariable(string name) => new(null, name);

    public override string ToString() => IsReference ? "${" + Variable + "}" : Literal!;
}
