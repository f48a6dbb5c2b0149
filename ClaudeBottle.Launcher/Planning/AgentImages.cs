using System.Security.Cryptography;
using System.Text;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// Which image an agent runs and how each is built: the standard one (Claude Code, from <c>docker/agent</c>) and a
/// bottle's own (<c>build</c>: a Dockerfile extending the standard one). Tags are content hashes of every input, so an
/// unchanged input never rebuilds and a changed Dockerfile, file, version or setting always does. Nothing is built here.
/// </summary>
public static class AgentImages
{
    public const string Repository = "claude-bottle/agent";
    public const string CustomRepository = "claude-bottle/custom";
    public const string ClaudeCodeVersion = "2.1.332";
    public const string DefaultBaseImage = "node:22-bookworm-slim";

    /// <summary>The build argument a bottle's own Dockerfile names its base with: <c>FROM ${CLAUDE_BOTTLE_AGENT_IMAGE}</c>.</summary>
    public const string BaseImageArgument = "CLAUDE_BOTTLE_AGENT_IMAGE";

    public const string SinkRepository = "claude-bottle/telemetry-sink";

    private const string ResourcePrefix = "agent-image/";
    private const string SinkResourcePrefix = "sink-image/";

    public const string ProbeRepository = "claude-bottle/probe";
    private const string ProbeResourcePrefix = "probe-image/";

    public const string EdgeRepository = "claude-bottle/edge";
    private const string EdgeResourcePrefix = "edge-image/";

    /// <summary>
    /// Decides an agent's image, for run mode and publish alike: a ready image as it is; otherwise the standard image
    /// (built, unless <paramref name="prebuiltStandard"/> names one), extended by the bottle's own Dockerfile if it has one.
    /// </summary>
    public static AgentImagePlan PlanFor(ImageSource source, AgentImageSettings settings, string? prebuiltStandard,
        long maxContextBytes = BuildContext.DefaultMaxBytes)
    {
        if (source is ImageSource.Reference reference)
            return new AgentImagePlan(reference.Image, null, null);
        var standard = prebuiltStandard is null ? Standard(settings) : null;
        var standardTag = prebuiltStandard ?? standard!.Tag;
        var own = source is ImageSource.Build build ? Custom(build, standardTag, maxContextBytes) : null;
        return new AgentImagePlan(own?.Tag ?? standardTag, standard, own);
    }

    /// <summary>The standard image's build: its files, arguments and the tag they hash to. Nothing is built.</summary>
    public static ImageRecipe Standard(AgentImageSettings settings)
    {
        var files = Resources(ResourcePrefix)
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

    /// <summary>
    /// The telemetry sink's image (<c>docker/sink</c>): Node and the sink's script on the same base as the standard
    /// image, and nothing of Claude Code, so that it builds in seconds and once, whatever image the agents run.
    /// </summary>
    public static ImageRecipe Sink(AgentImageSettings settings)
    {
        var files = Resources(SinkResourcePrefix).ToList();
        var args = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["BASE_IMAGE"] = settings.BaseImage };
        var tag = $"{SinkRepository}:{Hash(files, args)}";
        return new ImageRecipe(new ImageBuild(tag, "Dockerfile", args, Labels()), files);
    }

    /// <summary>The sink's image: <paramref name="ready"/> as it is, else the one <see cref="Sink"/> builds.</summary>
    public static (string Tag, ImageRecipe? Build) SinkPlan(AgentImageSettings settings, string? ready)
    {
        if (ready is { Length: > 0 })
            return (ready, null);
        var recipe = Sink(settings);
        return (recipe.Tag, recipe);
    }

    /// <summary>
    /// The isolation probe's image (<c>docker/probe</c>): the probe's script on the same base as the standard image. The
    /// product builds it from a fixed recipe, so that what checks a bottle is never what the manifest chose.
    /// </summary>
    public static ImageRecipe Probe(AgentImageSettings settings)
    {
        var files = Resources(ProbeResourcePrefix).ToList();
        var args = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["BASE_IMAGE"] = settings.BaseImage };
        return new ImageRecipe(new ImageBuild($"{ProbeRepository}:{Hash(files, args)}", "Dockerfile", args, Labels()), files);
    }

    /// <summary>The probe's image: <paramref name="ready"/> (an operator's mirror) as it is, else the one <see cref="Probe"/> builds.</summary>
    public static (string Tag, ImageRecipe? Build) ProbePlan(AgentImageSettings settings, string? ready)
    {
        if (ready is { Length: > 0 })
            return (ready, null);
        var recipe = Probe(settings);
        return (recipe.Tag, recipe);
    }

    /// <summary>
    /// The edge's image (<c>docker/edge</c>): mitmproxy from the base's Debian packages and the bottle's addon. Like the
    /// probe, a fixed recipe of the product's own: it holds the real credentials, so a manifest never chooses it.
    /// </summary>
    public static ImageRecipe Edge(AgentImageSettings settings)
    {
        var files = Resources(EdgeResourcePrefix).ToList();
        var args = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["BASE_IMAGE"] = settings.BaseImage };
        return new ImageRecipe(new ImageBuild($"{EdgeRepository}:{Hash(files, args)}", "Dockerfile", args, Labels()), files);
    }

    /// <summary>The edge's image: <paramref name="ready"/> (an operator's mirror) as it is, else the one <see cref="Edge"/> builds.</summary>
    public static (string Tag, ImageRecipe? Build) EdgePlan(AgentImageSettings settings, string? ready)
    {
        if (ready is { Length: > 0 })
            return (ready, null);
        var recipe = Edge(settings);
        return (recipe.Tag, recipe);
    }

    private static IEnumerable<ContextFile> Resources(string prefix)
    {
        var assembly = typeof(AgentImages).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                return new ContextFile(n[prefix.Length..], copy.ToArray());
            });
    }

    /// <summary>
    /// A bottle's own image: its build context, read as <c>docker build</c> reads it (<see cref="BuildContext"/>), with
    /// the standard image as the base argument. This reads the context's files: call it only once the plan is approved.
    /// </summary>
    public static ImageRecipe Custom(ImageSource.Build source, string standardTag, long maxContextBytes = BuildContext.DefaultMaxBytes)
    {
        // The context must still be the directory approved (same real path, device and inode), not one swapped in since.
        if (source.Origin is { } origin && HostPathRules.Recheck(origin) is { } changed)
            throw new BuildContextException(changed);
        var dockerfile = Path.GetRelativePath(source.Context, source.Dockerfile).Replace('\\', '/');
        var context = BuildContext.Read(source.Context, dockerfile, maxContextBytes);
        var files = context.Entries;
        var args = new SortedDictionary<string, string>(StringComparer.Ordinal) { [BaseImageArgument] = standardTag };
        var tag = $"{CustomRepository}:{Hash(files, args.Append(new("dockerfile", dockerfile)))}";
        return new ImageRecipe(new ImageBuild(tag, dockerfile, args, Labels()), files) { Context = context.Summary };
    }

    private static Dictionary<string, string> Labels() => new() { [BottleLabels.Project] = BottleLabels.ProjectValue };

    private static string Hash(IEnumerable<ContextFile> files, IEnumerable<KeyValuePair<string, string>> args)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            // Plain files hash as they always did, so that existing images keep their tags.
            if (file.LinkTarget is { } target)
                hash.AppendData(Encoding.UTF8.GetBytes($"link {file.Name} {target.Length} {target}\n"));
            else if (file.IsDirectory)
                hash.AppendData(Encoding.UTF8.GetBytes($"directory {file.Name}\n"));
            else
            {
                hash.AppendData(Encoding.UTF8.GetBytes($"file {file.Name} {file.Content.Length}{(file.Executable ? " x" : "")}\n"));
                hash.AppendData(file.Content);
            }
        }
        foreach (var (key, value) in args)
            hash.AppendData(Encoding.UTF8.GetBytes($"arg {key}={value}\n"));
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
