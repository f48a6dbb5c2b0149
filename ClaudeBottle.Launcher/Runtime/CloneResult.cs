namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// What one bring-back did: the branch in the host repository holding the agent's commits (how many since the clone's
/// start), the branch holding what it left uncommitted (null when nothing was), or the clone's volume kept because the
/// work could not be brought back (<see cref="Failure"/> says why).
/// </summary>
public sealed record CloneResult(string Repository, string Branch, int Commits, string? UncommittedBranch, bool BranchExists, string? Failure = null, string? KeptVolume = null)
{
    /// <summary>For work that did not come back: the commands that bring it back by hand.</summary>
    public string? Recovery { get; init; }

    /// <summary>One line for a console or a property.</summary>
    public override string ToString() => Failure is { } failure
        ? $"could not bring back the agent's work ({failure}); its clone is kept in volume {KeptVolume}"
        : !BranchExists ? $"no commit and no change to bring back to {Repository}"
        : $"branch {Branch} in {Repository}: {Commits} commit{(Commits == 1 ? "" : "s")}" +
          (UncommittedBranch is { } uncommitted ? $"; uncommitted changes on {uncommitted}" : "; nothing uncommitted");
}
