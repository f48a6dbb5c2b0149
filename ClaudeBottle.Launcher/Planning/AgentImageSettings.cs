namespace ClaudeBottle.Launcher.Planning;

/// <summary>What the standard agent image is built from, besides its Dockerfile.</summary>
public sealed record AgentImageSettings
{
    /// <summary>Any Debian-based image; Node and npm are installed from Debian when it has none.</summary>
    public string BaseImage { get; init; } = AgentImages.DefaultBaseImage;

    public string ClaudeCodeVersion { get; init; } = AgentImages.ClaudeCodeVersion;

    /// <summary>PEM certificates to trust besides the public ones (a network that re-signs TLS); null for none.</summary>
    public string? ExtraCaCertificatesFile { get; init; }
}
