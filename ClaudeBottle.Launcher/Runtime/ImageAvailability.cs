using ClaudeBottle.Launcher.Planning;
using Docker.DotNet;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>Makes a bottle's images available on the engine before anything of the bottle is created.</summary>
internal sealed class ImageAvailability(IContainerEngine engine)
{
    /// <summary>An image already present is used as it is; only a missing one is pulled.</summary>
    public async Task EnsureAsync(string image, IBottleProgress progress, CancellationToken ct)
    {
        if (await engine.ImageExistsAsync(image, ct))
            return;
        progress.Step($"pulling image {image}");
        try
        {
            await engine.PullImageAsync(image, line => progress.Step($"pull {image}: {line}"), ct);
        }
        catch (DockerApiException e)
        {
            throw new InvalidOperationException($"image {image} is not present on the engine and could not be pulled ({Describe(e)}){await ImpostorAsync(image, ct)}", e);
        }
        if (!await engine.ImageExistsAsync(image, ct))
            throw new InvalidOperationException($"image {image} is not present on the engine and could not be pulled{await ImpostorAsync(image, ct)}");
    }

    /// <summary>Says so when the pinned pipelock is missing but a local image carries its tag: that one is not trusted.</summary>
    private async Task<string> ImpostorAsync(string image, CancellationToken ct) =>
        image == PipelockImage.Reference && PipelockImage.ImpostorHint(image, await engine.ImageExistsAsync(PipelockImage.TagReference, ct)) is { } hint
            ? $"; {hint}"
            : "";

    private static string Describe(Exception e) => e switch
    {
        DockerApiException api => $"the engine answered {(int)api.StatusCode}: {api.ResponseBody?.Trim()}",
        _ => e.Message,
    };
}
