namespace ClaudeBottle.Launcher.Planning;

/// <summary>An image to build: where, how, and the files of its context.</summary>
public sealed record ImageRecipe(ImageBuild Build, IReadOnlyList<ContextFile> Files)
{
    public string Tag => Build.Tag;
}
