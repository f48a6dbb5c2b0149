using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Resolution;

/// <summary>
/// An agent's workspace in clone mode: the repository it is cloned from (its real path), the branch or tag it starts
/// from (null: the host's HEAD), and where the manifest says so, for errors found only at start.
/// </summary>
public sealed record WorkspaceClone(string Repository, string? Ref, string File, string RefJsonPath, ManifestPath? Origin = null)
{
    /// <summary>The branches of an agent's runs: <c>claude-bottle/&lt;agent&gt;/&lt;run&gt;</c>.</summary>
    public const string BranchPrefix = "claude-bottle/";

    /// <summary>The suffix of the branch holding what the agent left uncommitted, one commit on top of its own.</summary>
    public const string UncommittedSuffix = "-uncommitted";

    /// <summary>What the clone starts from, as a person reads it.</summary>
    public string Start => Ref ?? "HEAD";

    /// <summary>The branch of one run of <paramref name="agent"/>.</summary>
    public static string Branch(string agent, string run) => $"{BranchPrefix}{agent}/{run}";
}
