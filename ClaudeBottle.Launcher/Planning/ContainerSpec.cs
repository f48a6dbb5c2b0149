namespace ClaudeBottle.Launcher.Planning;

/// <summary>How a container is created. <see cref="Environment"/> values may be secrets: they go only to the engine.</summary>
public sealed record ContainerSpec
{
    public required string Name { get; init; }
    public required string Image { get; init; }
    /// <summary>Null keeps the image's own entrypoint.</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }
    public IReadOnlyList<string>? Command { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];
    public required IReadOnlyDictionary<string, string> Labels { get; init; }
    public required string Network { get; init; }
    public IReadOnlyList<string> NetworkAliases { get; init; } = [];
    /// <summary>A fixed IPv4 address on <see cref="Network"/> (whose subnet must be set); null lets the engine choose.</summary>
    public string? IPv4Address { get; init; }
    public string? User { get; init; }
    public bool ReadOnlyRootFilesystem { get; init; }
    public bool DropAllCapabilities { get; init; } = true;
    public bool NoNewPrivileges { get; init; } = true;
    public IReadOnlyList<BindMount> Binds { get; init; } = [];
    public IReadOnlyDictionary<string, string> Tmpfs { get; init; } = new Dictionary<string, string>();
    /// <summary>
    /// Writable paths backed by a volume of the container's own: filled from the image at first mount, removed with
    /// the container.
    /// </summary>
    public IReadOnlyList<string> AnonymousVolumes { get; init; } = [];
    /// <summary>Named volumes, kept when the container is removed (the agent's Claude state, when it resumes).</summary>
    public IReadOnlyList<VolumeMount> NamedVolumes { get; init; } = [];
    /// <summary>
    /// Containers whose volumes this one mounts (<c>name:ro</c> read-only), at the same paths: the agent reads the
    /// edge's CA certificates so.
    /// </summary>
    public IReadOnlyList<string> VolumesFrom { get; init; } = [];
    /// <summary>
    /// Stdin kept open until one writer attached before start closes it: how the edge gets its secrets without the
    /// engine recording them.
    /// </summary>
    public bool OpenStdin { get; init; }
    /// <summary>Whether the engine restarts the container when it dies unasked (not after a stop).</summary>
    public bool RestartUnlessStopped { get; init; }
    public double? Cpus { get; init; }
    public long? MemoryBytes { get; init; }
    public long? Pids { get; init; }
    public HealthProbe? Health { get; init; }
    public IReadOnlyList<string> Dns { get; init; } = [];
    public bool Tty { get; init; }
    /// <summary>Every container's output is rotated; none is kept without bound.</summary>
    public LogRotation Logs { get; init; } = LogRotation.Default;
}
