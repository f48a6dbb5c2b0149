namespace ClaudeBottle.Launcher.Planning;

/// <summary>An image to build: where, how, and the entries of its context.</summary>
public sealed record ImageRecipe(ImageBuild Build, IReadOnlyList<ContextFile> Files)
{
    public string Tag => Build.Tag;

    /// <summary>For a bottle's own image, what its context held when read; null for the product's images.</summary>
    public BuildContextSummary? Context { get; init; }
}
