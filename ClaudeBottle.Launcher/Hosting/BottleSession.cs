using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Telemetry;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>One bottle's entry in the table of running bottles: what exists of it, and what watches it.</summary>
internal sealed class BottleSession
{
    /// <summary>Held by whoever starts, stops or removes the bottle: one at a time.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public BottleInstance? Instance { get; set; }

    public BottlePlan? Plan { get; set; }

    /// <summary>Cancelled when the bottle stops: ends its followers and watchers.</summary>
    public CancellationTokenSource? Watch { get; set; }

    public EgressSummary Egress { get; set; } = new();
}
