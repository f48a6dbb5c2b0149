namespace ClaudeBottle.Bench;

/// <summary>
/// One round of the edge benchmark: the bottle's start (the runner's whole start, and the edge's own
/// part: from its container's start to its <c>listening</c> line), each request's milliseconds through the edge
/// (<see cref="Through"/>) and straight to pipelock (<see cref="Straight"/>) by kind, and the edge's memory after them.
/// </summary>
internal sealed record EdgeSample(TimeSpan Start, TimeSpan EdgeListening, Dictionary<string, List<double>> Through,
    Dictionary<string, List<double>> Straight, long EdgeMemory, long EdgeRss);
