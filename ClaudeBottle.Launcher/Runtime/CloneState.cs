using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// A running bottle's clone: its plan, the commit it started from, whether the agent was ever given it, and the last
/// time its work came back. One bring-back at a time.
/// </summary>
public sealed class CloneState(BottlePlan bottle, ClonePlan plan)
{
    public ClonePlan Plan { get; } = plan;

    internal BottlePlan Bottle { get; } = bottle;

    /// <summary>The commit the clone started from (the host's HEAD, or the ref's); null until the clone is filled.</summary>
    public string? BaseCommit { get; internal set; }

    /// <summary>Whether an agent container was made on the clone: only then can it hold work.</summary>
    public bool AgentCreated { get; internal set; }

    /// <summary>What the last bring-back brought; null before the first.</summary>
    public CloneResult? Last { get; internal set; }

    /// <summary>Whether the work was brought back once the agent was gone; a removal tried again does not repeat it.</summary>
    internal bool Ended { get; set; }

    internal SemaphoreSlim Gate { get; } = new(1, 1);
}
