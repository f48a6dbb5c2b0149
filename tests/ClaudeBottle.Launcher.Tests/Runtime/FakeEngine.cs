using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Tests.Runtime;

/// <summary>
/// An in-memory engine: it keeps the objects it was asked to create, so tests check what exists afterwards. A step
/// can be made to fail by name.
/// </summary>
internal sealed class FakeEngine : IContainerEngine
{
    public ConcurrentDictionary<string, NetworkSpec> Networks { get; } = [];
    public ConcurrentDictionary<string, ContainerSpec> Containers { get; } = [];
    public ConcurrentDictionary<string, bool> RunningIds { get; } = [];
    public ICollection<string> Running => RunningIds.Keys;
    public HashSet<string> Images { get; } = [];
    public Dictionary<string, Exception> Failures { get; } = [];
    public Dictionary<string, long> ExitCodes { get; } = [];

    /// <summary>Subnets another app host is creating a network on: refused as the engine refuses them, yet not listed.</summary>
    public HashSet<string> TakenElsewhere { get; } = [];
    private int _next;

    private void Step([CallerMemberName] string name = "")
    {
        if (Failures.TryGetValue(name, out var failure))
            throw failure;
    }

    public Task<EngineInfo> GetInfoAsync(CancellationToken ct) => Task.FromResult(new EngineInfo("28.0.0", "1.48", "linux"));
    public Task<bool> ImageExistsAsync(string reference, CancellationToken ct) => Task.FromResult(Images.Contains(reference));
    public Task PullImageAsync(string reference, Action<string> progress, CancellationToken ct) { Step(); Images.Add(reference); return Task.CompletedTask; }
    public Task BuildImageAsync(ImageBuild build, Stream context, Action<string> progress, CancellationToken ct) { Step(); Images.Add(build.Tag); return Task.CompletedTask; }

    public Task<string> CreateNetworkAsync(NetworkSpec spec, CancellationToken ct)
    {
        Step();
        if (spec.Subnet is { } subnet && TakenElsewhere.Contains(subnet))
            throw new Docker.DotNet.DockerApiException(System.Net.HttpStatusCode.Forbidden, """{"message":"Pool overlaps with other one on this address space"}""");
        var id = $"net{Interlocked.Increment(ref _next)}";
        Networks[id] = spec;
        if (NetworkCreateTimesOut && spec.Name.EndsWith("-middle", StringComparison.Ordinal))
            throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout");
        return Task.FromResult(id);
    }

    /// <summary>The client gives up on the middle network's create, which the engine completes all the same.</summary>
    public bool NetworkCreateTimesOut { get; init; }

    public Task RemoveNetworkAsync(string id, CancellationToken ct) { Step(); Networks.TryRemove(id, out _); return Task.CompletedTask; }
    /// <summary>Each network its own gateway: net3 has 10.99.3.1.</summary>
    public Task<IReadOnlyList<string>> NetworkGatewaysAsync(string id, CancellationToken ct) => Task.FromResult<IReadOnlyList<string>>([$"10.99.{id[3..]}.1"]);

    /// <summary>An engine whose defaults give every new network IPv6.</summary>
    public bool IPv6ByDefault { get; init; }

    public Task<bool> NetworkHasIPv6Async(string id, CancellationToken ct) => Task.FromResult(IPv6ByDefault);
    public Task<IReadOnlyList<string>> ListSubnetsAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<string>>([.. Networks.Values.Select(n => n.Subnet).OfType<string>()]);

    /// <summary>The name of every container ever created, in order (removal does not take it off).</summary>
    public ConcurrentQueue<string> Created { get; } = [];

    /// <summary>Every container asked for, removed or not, in order, as it was asked for.</summary>
    public ConcurrentQueue<ContainerSpec> CreatedSpecs { get; } = [];

    /// <summary>Runs as a container is about to be created, before it is.</summary>
    public Action<ContainerSpec>? BeforeCreate { get; init; }

    public Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken ct)
    {
        Step();
        BeforeCreate?.Invoke(spec);
        Created.Enqueue(spec.Name);
        CreatedSpecs.Enqueue(spec);
        var id = $"ctr{Interlocked.Increment(ref _next)}";
        Containers[id] = spec;
        return Task.FromResult(id);
    }

    public Task ConnectNetworkAsync(string networkId, string containerId, IReadOnlyList<string> aliases, CancellationToken ct) { Step(); return Task.CompletedTask; }
    public Task StartContainerAsync(string id, CancellationToken ct) { Step(); RunningIds[id] = true; return Task.CompletedTask; }

    /// <summary>How many bytes each container was given on stdin: that it was given some, never what.</summary>
    public ConcurrentDictionary<string, int> StdinBytes { get; } = [];

    public Task StartWithInputAsync(string id, ReadOnlyMemory<byte> input, CancellationToken ct)
    {
        Step();
        StdinBytes[id] = input.Length;
        RunningIds[id] = true;
        return Task.CompletedTask;
    }
    public Task StopContainerAsync(string id, TimeSpan grace, CancellationToken ct) { RunningIds.TryRemove(id, out _); return Task.CompletedTask; }
    /// <summary>The signals sent to each container, in order.</summary>
    public ConcurrentQueue<(string Id, string Signal)> Signals { get; } = [];
    public Task SignalContainerAsync(string id, string signal, CancellationToken ct)
    {
        Step();
        if (!RunningIds.ContainsKey(id))
            throw new InvalidOperationException($"container {id} is not running");
        Signals.Enqueue((id, signal));
        return Task.CompletedTask;
    }
    public Task RemoveContainerAsync(string id, CancellationToken ct) { Step(); Containers.TryRemove(id, out _); RunningIds.TryRemove(id, out _); return Task.CompletedTask; }

    /// <summary>Agents run until they are removed (or the waiter gives up), instead of exiting at once.</summary>
    public bool AgentsKeepRunning { get; init; }

    public async Task<long> WaitContainerAsync(string id, CancellationToken ct)
    {
        var role = Containers[id].Labels.GetValueOrDefault(BottleLabels.Role) ?? "";
        if (AgentsKeepRunning && role == "agent")
            while (Containers.ContainsKey(id))
                await Task.Delay(20, ct);
        RunningIds.TryRemove(id, out _);
        return ExitCodes.GetValueOrDefault(role);
    }

    public Task<ContainerState?> InspectContainerAsync(string id, CancellationToken ct) =>
        Task.FromResult<ContainerState?>(Containers.ContainsKey(id) ? new ContainerState(RunningIds.ContainsKey(id), 0, HealthState.Healthy, "running", null) : null);

    /// <summary>What a container without <see cref="Output"/> of its role prints; the isolation probe's verdict.</summary>
    public string ProbeOutput { get; init; } = "PROBE OK";

    /// <summary>What containers of a role write, as a real engine's reader gives it; then their output stays open while they exist.</summary>
    public Dictionary<string, IReadOnlyList<LogLine>> Output { get; } = [];

    public async IAsyncEnumerable<LogLine> FollowLogsAsync(string id, DateTimeOffset? since, int maxLineBytes, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        if (!Containers.TryGetValue(id, out var spec) || !Output.TryGetValue(spec.Labels.GetValueOrDefault(BottleLabels.Role) ?? "", out var lines))
        {
            yield return new LogLine(ProbeOutput, false);
            yield break;
        }
        foreach (var line in lines)
            yield return line;
        while (Containers.ContainsKey(id) && !ct.IsCancellationRequested)
            await Task.Delay(20, CancellationToken.None);
    }

    /// <summary>Named volumes by name, each with the files a test put in it (a volume made anew is empty).</summary>
    public ConcurrentDictionary<string, (VolumeSpec Spec, ConcurrentDictionary<string, string> Files)> Volumes { get; } = [];

    /// <summary>The files containers hold, by container id and path, for <see cref="CopyFileFromContainerAsync"/>.</summary>
    public ConcurrentDictionary<(string Id, string Path), byte[]> Files { get; } = [];

    public async Task CopyFileFromContainerAsync(string id, string path, string destination, CancellationToken ct)
    {
        Step();
        if (!Files.TryGetValue((id, path), out var content))
            throw new InvalidOperationException($"no file {path} in container {id}");
        await File.WriteAllBytesAsync(destination, content, ct);
    }

    public Task CreateVolumeAsync(VolumeSpec spec, CancellationToken ct)
    {
        Step();
        Volumes.TryAdd(spec.Name, (spec, new ConcurrentDictionary<string, string>()));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LabelledObject>> ListVolumesAsync(string label, CancellationToken ct)
    {
        var match = Matcher(label);
        return Task.FromResult<IReadOnlyList<LabelledObject>>(
            [.. Volumes.Values.Where(v => match(v.Spec.Labels)).Select(v => new LabelledObject(LabelledKind.Volume, v.Spec.Name, v.Spec.Name, v.Spec.Labels))]);
    }

    /// <summary>As the engine: a volume a container (running or not) mounts cannot be removed.</summary>
    public Task RemoveVolumeAsync(string name, CancellationToken ct)
    {
        Step();
        if (Containers.Values.FirstOrDefault(c => c.NamedVolumes.Any(v => v.Volume == name)) is { } user)
            throw new Docker.DotNet.DockerApiException(System.Net.HttpStatusCode.Conflict,
                $$"""{"message":"remove {{name}}: volume is in use - [{{user.Name}}]"}""");
        Volumes.TryRemove(name, out _);
        return Task.CompletedTask;
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> Matcher(string label)
    {
        var (key, value) = label.Split('=', 2) is [var k, var v] ? (k, v) : (label, null);
        return labels => labels.TryGetValue(key, out var actual) && (value is null || actual == value);
    }

    public Task<IReadOnlyList<LabelledObject>> ListByLabelAsync(string label, CancellationToken ct)
    {
        var match = Matcher(label);
        return Task.FromResult<IReadOnlyList<LabelledObject>>(
        [
            .. Containers.Where(c => match(c.Value.Labels)).Select(c => new LabelledObject(LabelledKind.Container, c.Key, c.Value.Name, c.Value.Labels)),
            .. Networks.Where(n => match(n.Value.Labels)).Select(n => new LabelledObject(LabelledKind.Network, n.Key, n.Value.Name, n.Value.Labels)),
        ]);
    }
}
