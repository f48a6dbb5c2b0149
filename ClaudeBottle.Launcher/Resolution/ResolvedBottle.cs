using System.Collections.Immutable;

namespace ClaudeBottle.Launcher.Resolution;

/// <summary>
/// Everything needed to run one agent in its own bottle: the manifest's bottle and agent merged, <c>${NAME}</c>
/// values taken from the launching environment (the agent's environment holding placeholders, only
/// <see cref="Secrets"/> the real values), paths made absolute. Each agent gets its own bottle instance,
/// named after the agent.
/// </summary>
public sealed record ResolvedBottle(
    string Name,
    string BottleName,
    ImageSource Image,
    ImmutableArray<string> Allowlist,
    ImmutableArray<ResolvedEnvVar> Environment,
    ImmutableArray<BottleMount> Mounts,
    ResourceLimits Limits,
    string? Prompt,
    string PermissionMode = Manifest.AgentSpec.DefaultPermissionMode)
{
    /// <summary>Headless agents run their prompt and exit; the others run Claude interactively.</summary>
    public bool IsHeadless => Prompt is not null;

    /// <summary>The bottle's narrowings of allowlisted hosts, for the edge proxy.</summary>
    public ImmutableArray<Manifest.EgressRuleSpec> Rules { get; init; } = [];

    /// <summary>Allowlisted hosts the edge does not decrypt.</summary>
    public ImmutableArray<string> PassThrough { get; init; } = [];

    /// <summary>
    /// The headers the edge sets: Claude's token first (when the launching user has one), then the bottle's. Names and
    /// templates only; the values are in <see cref="Secrets"/>.
    /// </summary>
    public ImmutableArray<Manifest.CredentialSpec> Credentials { get; init; } = [];

    /// <summary>
    /// Every variable <see cref="Credentials"/> use, with its real value and its placeholder, and no other: what the
    /// edge receives at start. The only place in a resolved bottle that holds a real value.
    /// </summary>
    public ImmutableArray<ResolvedSecret> Secrets { get; init; } = [];

    /// <summary>Where the agent's Claude state is kept between runs, and what this start does with it.</summary>
    public AgentState State { get; init; } = AgentState.For("", Name, ConversationMode.None);

    /// <summary>
    /// The workspace in clone mode: the agent works in a clone of its own at <see cref="AgentLayout.Workspace"/>, and
    /// its work comes back to the repository as a branch; null when the workspace (if any) is a mount.
    /// </summary>
    public WorkspaceClone? WorkspaceClone { get; init; }

    /// <summary>This bottle, its next start doing <paramref name="mode"/> with the agent's kept state.</summary>
    public ResolvedBottle WithConversation(ConversationMode mode) => this with { State = State with { Mode = mode } };
}
