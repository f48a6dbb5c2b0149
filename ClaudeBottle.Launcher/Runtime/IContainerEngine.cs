using ClaudeBottle.Launcher.Planning;

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

    /// <summary>Every gateway address of the network (the host's side of a bridge), one per address range; empty when it has none.</summary>
    Task<IReadOnlyList<string>> NetworkGatewaysAsync(string id, CancellationToken ct);

    /// <summary>Whether the network has IPv6: the engine's own defaults may turn it on whatever the create asked.</summary>
    Task<bool> NetworkHasIPv6Async(string id, CancellationToken ct);

    Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken ct);

    /// <summary>Attaches a created container to a further network (engines before API 1.44 take one at create).</summary>
    Task ConnectNetworkAsync(string networkId, string containerId, IReadOnlyList<string> aliases, CancellationToken ct);

    Task StartContainerAsync(string id, CancellationToken ct);

    /// <summary>
    /// Attaches to the created container's stdin, starts it, writes <paramref name="input"/> and closes stdin: what a
    /// container is given so is never in the engine's records (its Env, its logs, its files).
    /// </summary>
    Task StartWithInputAsync(string id, ReadOnlyMemory<byte> input, CancellationToken ct);

    Task StopContainerAsync(string id, TimeSpan grace, CancellationToken ct);

    Task RemoveContainerAsync(string id, CancellationToken ct);

    /// <summary>Sends <paramref name="signal"/> (a name such as <c>HUP</c>) to the container's main process; it must be running.</summary>
    Task SignalContainerAsync(string id, string signal, CancellationToken ct);

    /// <summary>Waits for the container to exit and returns its exit code.</summary>
    Task<long> WaitContainerAsync(string id, CancellationToken ct);

    /// <summary>The container's state, or null when it no longer exists.</summary>
    Task<ContainerState?> InspectContainerAsync(string id, CancellationToken ct);

    /// <summary>
    /// Follows the container's output (from <paramref name="since"/>, else from its start) until it ends or
    /// <paramref name="ct"/> is cancelled, line by line, each cut at <paramref name="maxLineBytes"/> (see <see cref="LogLineSplitter"/>).
    /// </summary>
    IAsyncEnumerable<LogLine> FollowLogsAsync(string id, DateTimeOffset? since, int maxLineBytes, CancellationToken ct);

    /// <summary>Follows the container's output with lines cut at <see cref="LogLineSplitter.DefaultMaxLineBytes"/>.</summary>
    IAsyncEnumerable<LogLine> FollowLogsAsync(string id, DateTimeOffset? since, CancellationToken ct) =>
        FollowLogsAsync(id, since, LogLineSplitter.DefaultMaxLineBytes, ct);

    /// <summary>
    /// Copies the regular file at <paramref name="path"/> in the container (running or stopped, its volumes included) to
    /// the host file <paramref name="destination"/> (made readable by its owner alone).
    /// </summary>
    Task CopyFileFromContainerAsync(string id, string path, string destination, CancellationToken ct);

    /// <summary>Creates the named volume with its labels; one that exists already is kept as it is, content and labels.</summary>
    Task CreateVolumeAsync(VolumeSpec spec, CancellationToken ct);

    /// <summary>Named volumes carrying <paramref name="label"/> (<c>key</c> or <c>key=value</c>), their name as id.</summary>
    Task<IReadOnlyList<LabelledObject>> ListVolumesAsync(string label, CancellationToken ct);

    /// <summary>Removes the named volume; a missing one is not an error, one a container still uses is.</summary>
    Task RemoveVolumeAsync(string name, CancellationToken ct);

    /// <summary>Containers and networks (never volumes) carrying <paramref name="label"/> (<c>key</c> or <c>key=value</c>).</summary>
    Task<IReadOnlyList<LabelledObject>> ListByLabelAsync(string label, CancellationToken ct);
}
