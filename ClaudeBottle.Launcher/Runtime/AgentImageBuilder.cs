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
        using var context = await TarAsync(files, ct);
        await engine.BuildImageAsync(build, context, progress, ct);
        progress($"built image {build.Tag}");
    }

    /// <summary>The build context as the engine receives it: a tar of <paramref name="files"/>, in their order.</summary>
    public static async Task<MemoryStream> TarAsync(IReadOnlyList<ContextFile> files, CancellationToken ct)
    {
        var context = new MemoryStream();
        await using (var tar = new TarWriter(context, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var file in files)
                await tar.WriteEntryAsync(Entry(file), ct);
        }
        context.Position = 0;
        return context;
    }

    /// <summary>
    /// A context entry as the docker CLI sends it: a symbolic link stays a link carrying its text (the engine resolves
    /// it inside the image, never on this host), a directory is a directory, a file carries its content.
    /// </summary>
    public static PaxTarEntry Entry(ContextFile file) => file switch
    {
        { LinkTarget: { } target } => new PaxTarEntry(TarEntryType.SymbolicLink, file.Name) { LinkName = target, Mode = LinkMode },
        { IsDirectory: true } => new PaxTarEntry(TarEntryType.Directory, file.Name) { Mode = ExecutableMode },
        _ => new PaxTarEntry(TarEntryType.RegularFile, file.Name)
        {
            DataStream = new MemoryStream(file.Content),
            Mode = file.Executable ? ExecutableMode : FileMode,
        },
    };

    private const UnixFileMode LinkMode = ExecutableMode | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>rwxr-xr-x.</summary>
    public const UnixFileMode ExecutableMode = FileMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
}
