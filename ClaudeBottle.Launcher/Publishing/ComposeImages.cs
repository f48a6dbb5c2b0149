using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>The product's own images (probe, edge) in a deployment: a ready image as named, else built from its recipe.</summary>
internal static class ComposeImages
{
    /// <summary>
    /// The image's tag, and the build of <paramref name="plan"/>'s recipe from <c>images/&lt;directory&gt;</c>, whose
    /// files go into <paramref name="files"/>; no build for a ready image.
    /// </summary>
    public static (string Image, ComposeBuild? Build) Product(string directory, (string Tag, ImageRecipe? Build) plan, SortedDictionary<string, byte[]> files)
    {
        if (plan.Build is not { } recipe)
            return (plan.Tag, null);
        foreach (var file in recipe.Files)
            files[$"images/{directory}/{file.Name}"] = file.Content;
        return (plan.Tag, new ComposeBuild { Context = $"./images/{directory}", Args = new(recipe.Build.BuildArgs.ToDictionary(), StringComparer.Ordinal) });
    }
}
