using System.Collections.Concurrent;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>A file of an image's build context; an executable one keeps its execute permission in the image.</summary>
public sealed record ContextFile(string Name, byte[] Content, bool Executable = false);

/// <summary>An image to build: where, how, and the files of its context.</summary>
public sealed record ImageRecipe(ImageBuild Build, IReadOnlyList<ContextFile> Files)
{
    public string Tag => Build.Tag;
}

/// <summary>The image an agent runs, and what must be built for it first: the standard image, then the bottle's own.</summary>
public sealed record AgentImagePlan(string Tag, ImageRecipe? Standard, ImageRecipe? Own)
{
    public IEnumerable<ImageRecipe> Builds => new[] { Standard, Own }.OfType<ImageRecipe>();
}

/// <summary>What the standard agent image is built from, besides its Dockerfile.</summary>
public sealed record AgentImageSettings
{
    /// <summary>Any Debian-based image; Node and npm are installed from Debian when it has none.</summary>
    public string BaseImage { get; init; } = AgentImageBuilder.DefaultBaseImage;

    public string ClaudeCodeVersion { get; init; } = AgentImageBuilder.ClaudeCodeVersion;

    /// <summary>PEM certificates to trust besides the public ones (a network that re-signs TLS); null for none.</summary>
    public string? ExtraCaCertificatesFile { get; init; }
}

/// <summary>
/// Builds agent images on the engine: the standard one (Claude Code, from <c>docker/agent</c>) and a bottle's own
/// (<c>build</c>: a Dockerfile extending the standard one). Tags are content hashes of every input, so an unchanged
/// input never rebuilds and a changed Dockerfile, file, version or setting always does.
/// </summary>
public sealed class AgentImageBuilder(IContainerEngine engine)
{
    public const string Repository = "claude-bottle/agent";
    public const string CustomRepository = "claude-bottle/custom";
    public const string ClaudeCodeVersion = "2.1.332";
    public const string DefaultBaseImage = "node:22-bookworm-slim";

    /// <summary>The build argument a bottle's own Dockerfile names its base with: <c>FROM ${CLAUDE_BOTTLE_AGENT_IMAGE}</c>.</summary>
    public const string BaseImageArgument = "CLAUDE_BOTTLE_AGENT_IMAGE";

    private const string ResourcePrefix = "agent-image/";
    private readonly ConcurrentDictionary<string, Lazy<Task>> _builds = new();

    /// <summary>
    /// Decides an agent's image, for run mode and publish alike: a ready image as it is; otherwise the standard image
    /// (built, unless <paramref name="prebuiltStandard"/> names one), extended by the bottle's own Dockerfile if it has one.
    /// </summary>
    public static AgentImagePlan PlanFor(ImageSource source, AgentImageSettings settings, string? prebuiltStandard)
    {
        if (source is ImageSource.Reference reference)
            return new AgentImagePlan(reference.Image, null, null);
        var standard = prebuiltStandard is null ? Standard(settings) : null;
        var standardTag = prebuiltStandard ?? standard!.Tag;
        var own = source is ImageSource.Build build ? Custom(build, standardTag) : null;
        return new AgentImagePlan(own?.Tag ?? standardTag, standard, own);
    }

    /// <summary>The standard image's build: its files, arguments and the tag they hash to. Nothing is built.</summary>
    public static ImageRecipe Standard(AgentImageSettings settings)
    {
        var assembly = typeof(AgentImageBuilder).Assembly;
        var files = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                return new ContextFile(n[ResourcePrefix.Length..], copy.ToArray());
            })
            .Append(new ContextFile("extra-ca-certificates.crt", settings.ExtraCaCertificatesFile is { } ca ? File.ReadAllBytes(ca) : []))
            .ToList();
        var args = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["BASE_IMAGE"] = settings.BaseImage,
            ["CLAUDE_CODE_VERSION"] = settings.ClaudeCodeVersion,
        };
        var tag = $"{Repository}:{Hash(files, args)}";
        return new ImageRecipe(new ImageBuild(tag, "Dockerfile", args, Labels()), files);
    }

    /// <summary>A bottle's own image: its build context, with the standard image as the base argument.</summary>
    public static ImageRecipe Custom(ImageSource.Build source, string standardTag)
    {
        var context = new DirectoryInfo(source.Context);
        var files = context.EnumerateFiles("*", SearchOption.AllDirectories)
            // As the docker CLI does, a script's execute permission travels with it: `RUN ./install.sh` must work.
            .Select(f => new ContextFile(Path.GetRelativePath(context.FullName, f.FullName).Replace('\\', '/'), File.ReadAllBytes(f.FullName),
                !OperatingSystem.IsWindows() && (f.UnixFileMode & UnixFileMode.UserExecute) != 0))
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .ToList();
        var args = new SortedDictionary<string, string>(StringComparer.Ordinal) { [BaseImageArgument] = standardTag };
        var dockerfile = Path.GetRelativePath(context.FullName, source.Dockerfile).Replace('\\', '/');
        var tag = $"{CustomRepository}:{Hash(files, args.Append(new("dockerfile", dockerfile)))}";
        return new ImageRecipe(new ImageBuild(tag, dockerfile, args, Labels()), files);
    }

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

    private static Dictionary<string, string> Labels() => new() { [BottleLabels.Project] = BottleLabels.ProjectValue };

    private static string Hash(IEnumerable<ContextFile> files, IEnumerable<KeyValuePair<string, string>> args)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            // Plain files hash as they always did, so that existing images keep their tags.
            hash.AppendData(Encoding.UTF8.GetBytes($"file {file.Name} {file.Content.Length}{(file.Executable ? " x" : "")}\n"));
            hash.AppendData(file.Content);
        }
        foreach (var (key, value) in args)
            hash.AppendData(Encoding.UTF8.GetBytes($"arg {key}={value}\n"));
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
