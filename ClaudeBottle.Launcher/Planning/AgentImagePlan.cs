namespace ClaudeBottle.Launcher.Planning;

/// <summary>The image an agent runs, and what must be built for it first: the standard image, then the bottle's own.</summary>
public sealed record AgentImagePlan(string Tag, ImageRecipe? Standard, ImageRecipe? Own)
{
    public IEnumerable<ImageRecipe> Builds => new[] { Standard, Own }.OfType<ImageRecipe>();
}
