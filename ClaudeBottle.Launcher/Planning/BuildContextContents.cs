namespace ClaudeBottle.Launcher.Planning;

/// <summary>A build context as read after approval: its entries, in the order they are sent, and their summary.</summary>
public sealed record BuildContextContents(BuildContextSummary Summary, IReadOnlyList<ContextFile> Entries);
