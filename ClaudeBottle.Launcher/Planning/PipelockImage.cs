namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// The pipelock image the product runs, pinned by version and by digest. Its config keys (<see cref="PipelockConfig"/>)
/// are checked against this tag's source; pipelock rejects unknown keys, so change both together.
/// </summary>
public static class PipelockImage
{
    public const string Registry = "ghcr.io";
    public const string Image = "luckypipewrench/pipelock";
    public const string Tag = "2.3.0";

    /// <summary>
    /// The digest of <see cref="Tag"/>'s manifest list. With it in the reference, the engine uses only an image pulled
    /// under that digest: an image that merely carries the tag (built or retagged locally) is not it, and is refused.
    /// NOT YET VERIFIED: no registry was reachable where this was written. Set it from
    /// <c>docker buildx imagetools inspect ghcr.io/luckypipewrench/pipelock:2.3.0</c> (or the release's attestation);
    /// until then the default pull fails, closed, with an error naming <see cref="ConfigurationKey"/>.
    /// </summary>
    public const string Digest = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>False while <see cref="Digest"/> is the placeholder no registry has vouched for.</summary>
    public static bool DigestVerified => Digest != "sha256:" + new string('0', 64);

    /// <summary>The pinned image: <c>ghcr.io/luckypipewrench/pipelock:2.3.0@sha256:…</c>.</summary>
    public static string Reference => $"{TagReference}@{Digest}";

    /// <summary>The pinned image's tag alone, which any local image can be given.</summary>
    public static string TagReference => $"{Registry}/{Image}:{Tag}";

    /// <summary>Configuration key (appsettings or <c>ClaudeBottle__Pipelock__Image</c>) for a mirror of the image, trusted as named.</summary>
    public const string ConfigurationKey = "ClaudeBottle:Pipelock:Image";

    /// <summary>Why <paramref name="reference"/> could not be had, when it is the pinned image and a local one only carries its tag.</summary>
    public static string? ImpostorHint(string reference, bool tagPresent) => reference == Reference && tagPresent
        ? $"a local image is tagged {TagReference} but is not the pinned digest {Digest}, so it is not used; to run it anyway, " +
          $"name it in {ConfigurationKey}"
        : null;

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
