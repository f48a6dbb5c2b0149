using System.Collections.Immutable;

namespace ClaudeBottle.Launcher.Resolution;

/// <summary>
/// Everything needed to run one agent in its own bottle: the manifest's bottle and agent merged, <c>${NAME}</c>
/// values taken from the launching environment, paths made absolute. Each agent gets its own bottle instance,
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
}
