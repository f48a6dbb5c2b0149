namespace ClaudeBottle.Bench;

/// <summary>
/// One measured start and teardown of <see cref="Bottles"/> bottles. <see cref="Up"/> runs from the app host's (or
/// the script's) start to every agent running with its proxy answering; <see cref="Down"/> from the stop signal to
/// nothing left on the engine.
/// </summary>
internal sealed record Sample(string Kind, int Bottles, TimeSpan Up, TimeSpan Down, long MemoryPerBottle)
{
    /// <summary>App host only: from its start to its first bottle starting (process, Aspire, DCP); the rest is bottle work.</summary>
    public TimeSpan? HostReady { get; init; }

    /// <summary>App host only: its own resident memory with every bottle up, and that of Aspire's processes it started (DCP, dashboard).</summary>
    public long? HostMemory { get; init; }

    public long? ChildrenMemory { get; init; }
}

/// <summary>The image build measurements: a first start that builds a bottle's image, and a second that must not.</summary>
internal sealed record BuildSample(TimeSpan FirstStart, TimeSpan SecondStart, bool SecondBuilt);
