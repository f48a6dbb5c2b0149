using Docker.DotNet.Models;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Bench;

/// <summary>
/// Image builds: a bottle with its own Dockerfile (on the trivial agent image, standing in for the standard one),
/// started twice with the same inputs. The first start builds; the second must not.
/// </summary>
internal static class BuildBench
{
    public static async Task<BuildSample> RunAsync(string proxyImage, string agentImage)
    {
        var nonce = Guid.NewGuid().ToString("N");
        const string manifest = """{ "bottles": { "default": { "build": { "context": "image" } } }, "agents": { "built": {} } }""";
        void Context(string directory)
        {
            Directory.CreateDirectory(Path.Join(directory, "image"));
            File.WriteAllText(Path.Join(directory, "image", "Dockerfile"),
                $"ARG {AgentImages.BaseImageArgument}\nFROM ${{{AgentImages.BaseImageArgument}}}\nRUN echo {nonce} > /home/claude/bench-nonce\n");
        }

        var before = await CustomImagesAsync();
        var first = await AppHostBench.RunAsync(1, proxyImage, agentImage, manifest, Context, "first start (builds)");
        var built = (await CustomImagesAsync()).ExceptBy(before.Select(i => i.ID), i => i.ID).ToList();
        if (built.Count != 1)
            throw new InvalidOperationException($"the first start should have built one image, but {built.Count} appeared");
        var second = await AppHostBench.RunAsync(1, proxyImage, agentImage, manifest, Context, "second start");
        var after = await CustomImagesAsync();
        var rebuilt = after.Count != before.Count + 1 || after.Single(i => i.ID == built[0].ID).Created != built[0].Created;

        foreach (var image in built)
            await Engine.Client.Images.DeleteImageAsync(image.ID, new ImageDeleteParameters { Force = true });
        return new BuildSample(first.Up, second.Up, rebuilt);
    }

    private static async Task<IList<ImagesListResponse>> CustomImagesAsync() =>
        await Engine.Client.Images.ListImagesAsync(new ImagesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { [$"{AgentImages.CustomRepository}:*"] = true } },
        });
}
