using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Publishing;

/// <summary>What a published deployment is made from, besides the bottles, for every target.</summary>
public sealed record PublishSettings
{
    public string PipelockImage { get; init; } = Planning.PipelockImage.Reference;
    public AgentImageSettings AgentImage { get; init; } = new();
    public string? PrebuiltAgentImage { get; init; }
    /// <summary>A ready isolation-probe image; built from <c>docker/probe</c> when unset.</summary>
    public string? ProbeImage { get; init; }
    /// <summary>A ready edge image (<c>ClaudeBottle:EdgeImage</c>); built from <c>docker/edge</c> when unset.</summary>
    public string? EdgeImage { get; init; }

    /// <summary>The manifest's folder: a build context is published only from inside it. Null: no such check (tests).</summary>
    public string? ManifestDirectory { get; init; }

    /// <summary>The cap on a build context (<c>ClaudeBottle:MaxBuildContextSize</c>).</summary>
    public long MaxContextBytes { get; init; } = BuildContext.DefaultMaxBytes;
}
