namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// The container engine operations a bottle needs. <see cref="DockerContainerEngine"/> drives a real engine; unit
/// tests replace it. Every method is idempotent where the engine allows (removing what is gone is not an error).
/// </summary>
public interface IContainerEngine
{
    Task<EngineInfo> GetInfoAsync(CancellationToken ct);

    Task<bool> ImageExistsAsync(string reference, CancellationToken ct);

    /// <summary>Pulls an image, reporting progress lines as they come.</summary>
    Task PullImageAsync(string reference, Action<string> progress, CancellationToken ct);

    /// <summary>Builds an image from a tar of its context, reporting the build's output lines as they come.</summary>
    Task BuildImageAsync(ImageBuild build, Stream context, Action<string> progress, CancellationToken ct);

    Task<string> CreateNetworkAsync(NetworkSpec spec, CancellationToken ct);

    Task RemoveNetworkAsync(string id, CancellationToken ct);

    /// <summary>The subnets of every network on the engine, whoever made them.</summary>
    Task<IReadOnlyList<string>> ListSubnetsAsync(CancellationToken ct);

    /// <summary>The network's gateway address (the host's side of a bridge), or null when it has none.</summary>
    Task<string?> NetworkGatewayAsync(string id, CancellationToken ct);

    Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken ct);

    /// <summary>Attaches a created container to a further network (engines before API 1.44 take one at create).</summary>
    Task ConnectNetworkAsync(string networkId, string containerId, IReadOnlyList<string> aliases, CancellationToken ct);

    Task StartContainerAsync(string id, CancellationToken ct);

    Task StopContainerAsync(string id, TimeSpan grace, CancellationToken ct);

    Task RemoveContainerAsync(string id, CancellationToken ct);

    /// <summary>Waits for the container to exit and returns its exit code.</summary>
    Task<long> WaitContainerAsync(string id, CancellationToken ct);

    /// <summary>The container's state, or null when it no longer exists.</summary>
    Task<ContainerState?> InspectContainerAsync(string id, CancellationToken ct);

    /// <summary>Follows the container's output (from <paramref name="since"/>, else from its start) until it ends or <paramref name="ct"/> is cancelled.</summary>
    IAsyncEnumerable<LogLine> FollowLogsAsync(string id, DateTimeOffset? since, CancellationToken ct);

    /// <summary>Containers and networks carrying <paramref name="label"/> (<c>key</c> or <c>key=value</c>).</summary>
    Task<IReadOnlyList<LabelledObject>> ListByLabelAsync(string label, CancellationToken ct);
}

public sealed record EngineInfo(string Version, string ApiVersion, string OperatingSystem);

public sealed record ImageBuild(string Tag, string Dockerfile, IReadOnlyDictionary<string, string> BuildArgs, IReadOnlyDictionary<string, string> Labels);

public sealed record NetworkSpec(
    string Name,
    bool Internal,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> DriverOptions,
    string? Subnet = null,
    string? Gateway = null);

public sealed record BindMount(string Source, string Target, bool ReadOnly);

public sealed record HealthProbe(IReadOnlyList<string> Command, TimeSpan Interval, TimeSpan Timeout, int Retries);

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
    /// <summary>Whether the engine restarts the container when it dies unasked (not after a stop).</summary>
    public bool RestartUnlessStopped { get; init; }
    public double? Cpus { get; init; }
    public long? MemoryBytes { get; init; }
    public long? Pids { get; init; }
    public HealthProbe? Health { get; init; }
    public IReadOnlyList<string> Dns { get; init; } = [];
    public bool Tty { get; init; }
}

public enum HealthState { None, Starting, Healthy, Unhealthy }

/// <summary>A container as the engine reports it; <see cref="RestartCount"/> counts restarts by its restart policy.</summary>
public sealed record ContainerState(bool Running, long ExitCode, HealthState Health, string Status, string? Error, long RestartCount = 0)
{
    /// <summary>Running, and not between two restarts (the engine reports that as running too).</summary>
    public bool Up => Running && Status == "running";
}

public sealed record LogLine(string Text, bool IsError);

public enum LabelledKind { Container, Network }

public sealed record LabelledObject(LabelledKind Kind, string Id, string Name, IReadOnlyDictionary<string, string> Labels);
