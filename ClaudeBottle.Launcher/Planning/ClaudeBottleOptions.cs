namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// How the app host runs its bottles: the <c>ClaudeBottle</c> configuration section, bound once. Every key can be
/// given as <c>--ClaudeBottle:Key=value</c> or <c>ClaudeBottle__Key</c> in the environment; the app host's own
/// switches (<c>--yes</c>, <c>--agent</c>, <c>--attach</c>) are written into it.
/// </summary>
public sealed class ClaudeBottleOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ClaudeBottle";

    /// <summary>Approve every bottle's plan without asking (<c>--yes</c>).</summary>
    public bool AutoApprove { get; set; }

    /// <summary>The agents to start at launch (<c>--agent</c>); empty means all. The rest wait for a Start command.</summary>
    public List<string> Agents { get; set; } = [];

    /// <summary>Make the terminal the Claude session of the one agent in <see cref="Agents"/> (<c>--attach</c>).</summary>
    public bool Attach { get; set; }

    /// <summary>
    /// What every agent started at launch does with its kept Claude state (<c>--resume</c>: Resume, <c>--fresh</c>:
    /// Fresh); unset, each agent does as its manifest's <c>resume</c> says.
    /// </summary>
    public Resolution.ConversationMode? Conversation { get; set; }

    /// <summary>A ready standard agent image (a mirror) to use instead of building one.</summary>
    public string? AgentImage { get; set; }

    /// <summary>The base the standard agent image is built on (any Debian-based image).</summary>
    public string? AgentBaseImage { get; set; }

    /// <summary>A ready isolation-probe image (a mirror of the one built from <c>docker/probe</c>) to use instead of building one.</summary>
    public string? ProbeImage { get; set; }

    /// <summary>A ready edge image (a mirror of the one built from <c>docker/edge</c>) to use instead of building one.</summary>
    public string? EdgeImage { get; set; }

    /// <summary>A PEM file of CA certificates to trust, at build time and in every agent.</summary>
    public string? ExtraCaCertificates { get; set; }

    /// <summary>Where run state (locks, generated configs) lives: a private folder of this user's (Runtime/StateFolder), <c>~/.local/state/claude-bottle</c> when unset.</summary>
    public string? StateRoot { get; set; }

    /// <summary>
    /// The most a bottle's build context may send to the engine (files plus a tar header each), written like
    /// <c>512m</c> or <c>1g</c>; 256 MiB when unset. A larger context is refused before anything is built.
    /// </summary>
    public string? MaxBuildContextSize { get; set; }

    /// <summary><see cref="MaxBuildContextSize"/> in bytes (the default when unset or unreadable: <see cref="Problems"/> reports that).</summary>
    public long MaxBuildContextBytes =>
        MaxBuildContextSize is { Length: > 0 } size && Manifest.MemorySize.TryParse(size, out var bytes) && bytes is > 0 and <= BuildContext.LargestMaxBytes ? bytes : BuildContext.DefaultMaxBytes;

    public PipelockOptions Pipelock { get; set; } = new();

    public NetworkOptions Network { get; set; } = new();

    public TelemetryOptions Telemetry { get; set; } = new();

    public PublishOptions Publish { get; set; } = new();

    /// <summary>The agent whose Claude session takes over this terminal, or null.</summary>
    public string? AttachAgent => Attach && Agents.Count == 1 ? Agents[0] : null;

    /// <summary>How the standard agent image is built.</summary>
    public AgentImageSettings AgentImageSettings => new()
    {
        BaseImage = AgentBaseImage is { Length: > 0 } baseImage ? baseImage : AgentImages.DefaultBaseImage,
        ExtraCaCertificatesFile = ExtraCaCertificates is { Length: > 0 } ca ? Path.GetFullPath(ca) : null,
    };

    /// <summary>A ready standard image, or null to build one.</summary>
    public string? PrebuiltAgentImage => AgentImage is { Length: > 0 } image ? image : null;

    public bool StartsAtLaunch(string bottle) => Agents.Count == 0 || Agents.Contains(bottle);

    /// <summary>What is wrong with these settings, each naming its key and the fix; empty when nothing is.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (ExtraCaCertificates is { Length: > 0 } ca && !File.Exists(ca))
            problems.Add($"{Section}:{nameof(ExtraCaCertificates)} names {Path.GetFullPath(ca)}, which does not exist; give a PEM file of CA certificates, or unset it");
        if (MaxBuildContextSize is { Length: > 0 } size && !(Manifest.MemorySize.TryParse(size, out var max) && max is > 0 and <= BuildContext.LargestMaxBytes))
            problems.Add($"{BuildContext.MaxSizeKey} is '{size}'; write a size from 1k to 2g (a context is held in memory while it is sent), like 512m or 1g");
        if (Publish.Problem is { } publish)
            problems.Add(publish);
        try
        {
            SubnetAllocator.Parse(Network.AddressPool);
        }
        catch (ArgumentException e)
        {
            problems.Add($"{NetworkOptions.AddressPoolKey}: {e.Message}");
        }
        return problems;
    }
}
