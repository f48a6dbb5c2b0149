using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Telemetry;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>Builds the images a bottle needs and the engine lacks, with the build's output in the agent's console.</summary>
internal sealed class ImageProvisioner(IContainerEngine engine, ResourcePublisher publisher)
{
    private readonly AgentImageBuilder _builder = new(engine);

    /// <summary>False when a build failed; the bottle has then been marked as failed to start.</summary>
    public async Task<bool> EnsureAsync(BottleResource bottle, IReadOnlyList<ImageRecipe> recipes, CancellationToken ct)
    {
        if (recipes.Count == 0)
            return true;
        var log = publisher.Log(bottle.Agent);
        foreach (var recipe in recipes)
        {
            // Checked here too, to say "Building" only when something is built.
            if (await engine.ImageExistsAsync(recipe.Tag, ct))
                continue;
            await publisher.PublishAsync(bottle.Agent, KnownResourceStates.Building, KnownResourceStateStyles.Info);
            using var span = LaunchTracing.Step("image.build", bottle.Name);
            span?.SetTag("image.tag", recipe.Tag);
            try
            {
                // The build runs the repository's Dockerfile, whose output is shown like any container's.
                await _builder.EnsureAsync(recipe, line => log.Log(LogLevel.Information, 0, ConsoleText.Of(line), null, static (text, _) => text), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                span.Fail(e.Message);
                await publisher.FailAsync(bottle, $"Bottle '{bottle.Name}' failed to start while building image {recipe.Tag}: {e.Message}");
                return false;
            }
        }
        await publisher.PublishAsync(bottle.Agent, KnownResourceStates.Waiting, KnownResourceStateStyles.Info);
        return true;
    }
}
