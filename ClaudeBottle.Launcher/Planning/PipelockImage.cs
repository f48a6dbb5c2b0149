namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// The pipelock image the product runs, pinned by version. Its config keys (<see cref="PipelockConfig"/>) are
/// checked against this tag's source; pipelock rejects unknown keys, so change both together.
/// </summary>
public static class PipelockImage
{
    public const string Registry = "ghcr.io";
    public const string Image = "luckypipewrench/pipelock";
    public const string Tag = "2.3.0";

    public static string Reference => $"{Registry}/{Image}:{Tag}";

    /// <summary>Configuration key (appsettings or <c>ClaudeBottle__Pipelock__Image</c>) for a mirror of the image.</summary>
    public const string ConfigurationKey = "ClaudeBottle:Pipelock:Image";

    /// <summary>Where the generated config is mounted (read-only) in the pipelock container.</summary>
    public const string ConfigPath = "/etc/pipelock/pipelock.yaml";

    /// <summary>pipelock runs as nobody; its config must be readable by that user.</summary>
    public const string User = "65534:65534";

    /// <summary>Limits of each proxy: a Go proxy's memory grows with open connections, its threads stay few.</summary>
    public const long MemoryBytes = 256L << 20;

    public const long Pids = 128;

    public const double Cpus = 1;

    public static IReadOnlyList<string> Command => ["run", "--config", ConfigPath];
}
