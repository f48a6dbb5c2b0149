using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// One start's private clone: the volume that holds it (mounted at <see cref="AgentLayout.Workspace"/> in the agent),
/// the branch the agent works on and its work comes back as, and the image whose git fills and reads the clone.
/// </summary>
public sealed record ClonePlan(WorkspaceClone Source, string Branch, VolumeSpec Volume, string Image)
{
    /// <summary>Where a start's own run name comes from: the time it was planned, and a few random digits.</summary>
    public static string NewRun() =>
        $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2))}";

    /// <summary>The branch that holds what the agent left uncommitted.</summary>
    public string UncommittedBranch => Branch + WorkspaceClone.UncommittedSuffix;
}
