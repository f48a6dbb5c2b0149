using System.Collections.Concurrent;
using System.Formats.Tar;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>Builds the images that <see cref="AgentImages"/> plans, on the engine; concurrent asks for one image share one build.</summary>
public sealed class AgentImageBuilder(IContainerEngine engine)
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _builds = new();

    /// <summary>Builds <paramref name="recipe"/> unless the engine already has it; concurrent calls share one build.</summary>
    public async Task EnsureAsync(ImageRecipe recipe, Action<string> progress, CancellationToken ct)
    {
        var (build, files) = recipe;
        if (await engine.ImageExistsAsync(build.Tag, ct))
            return;
        var task = _builds.GetOrAdd(build.Tag, _ => new Lazy<Task>(() => BuildAsync(build, files, progress, CancellationToken.None))).Value;
        try
        {
            await task.WaitAsync(ct);
        }
        finally
        {
            if (task.IsFaulted)
                _builds.TryRemove(build.Tag, out _); // A failed build may be retried.
        }
    }

    private async Task BuildAsync(ImageBuild build, IReadOnlyList<ContextFile> files, Action<string> progress, CancellationToken ct)
    {
        progress($"building image {build.Tag}");
        using var context = new MemoryStream();
        await using (var tar = new TarWriter(context, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var file in files)
            {
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, file.Name)
                {
                    DataStream = new MemoryStream(file.Content),
                    Mode = file.Executable ? ExecutableMode : FileMode,
                }, ct);
            }
        }
        context.Position = 0;
        await engine.BuildImageAsync(build, context, progress, ct);
        progress($"built image {build.Tag}");
    }

    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>rwxr-xr-x.</summary>
    public const UnixFileMode ExecutableMode = FileMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
}
