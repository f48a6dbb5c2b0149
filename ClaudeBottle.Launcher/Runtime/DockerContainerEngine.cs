using System.Runtime.CompilerServices;
using Docker.DotNet;
using Docker.DotNet.Models;
using ClaudeBottle.Launcher.Planning;
using ContainerSpec = ClaudeBottle.Launcher.Planning.ContainerSpec;
using NetworkSpec = ClaudeBottle.Launcher.Planning.NetworkSpec;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// <see cref="IContainerEngine"/> over the Docker Engine API. It talks to the engine the user's environment names:
/// <c>DOCKER_HOST</c>, else the active Docker context, else the default socket, as the docker CLI does.
/// </summary>
public sealed class DockerContainerEngine(DockerClient client) : IContainerEngine, IDisposable
{
    /// <summary>
    /// How long one engine request may take. The client's default (100 s) is short for an engine busy with many bottles
    /// at once: fifty bottles make 150 networks, which the engine creates one at a time. Callers' own tokens still
    /// bound what they wait for.
    /// </summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromMinutes(5);

    public DockerContainerEngine() : this(new DockerClientBuilder().WithTimeout(RequestTimeout).Build())
    {
    }

    public async Task<EngineInfo> GetInfoAsync(CancellationToken ct)
    {
        var version = await client.System.GetVersionAsync(ct);
        return new EngineInfo(version.Version, version.APIVersion, version.Os);
    }

    public async Task<bool> ImageExistsAsync(string reference, CancellationToken ct)
    {
        try
        {
            await client.Images.InspectImageAsync(reference, ct);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    public async Task PullImageAsync(string reference, Action<string> progress, CancellationToken ct)
    {
        var (image, tag) = SplitTag(reference);
        await client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = image, Tag = tag }, null,
            new Immediate<JSONMessage>(m =>
            {
                if (m.Error is { } error) progress($"error: {error.Message}");
                else if (!string.IsNullOrEmpty(m.Status)) progress(string.IsNullOrEmpty(m.ID) ? m.Status : $"{m.ID}: {m.Status}");
            }), ct);
    }

    public async Task BuildImageAsync(ImageBuild build, Stream context, Action<string> progress, CancellationToken ct)
    {
        string? error = null;
        await client.Images.BuildImageFromDockerfileAsync(new ImageBuildParameters
        {
            Tags = [build.Tag],
            Dockerfile = build.Dockerfile,
            BuildArgs = new Dictionary<string, string>(build.BuildArgs),
            Labels = new Dictionary<string, string>(build.Labels),
            Remove = true,
            ForceRemove = true,
        }, context, null, null, new Immediate<JSONMessage>(m =>
        {
            if (m.Error is { } e)
                error = e.Message;
            foreach (var line in (m.Stream ?? m.Status ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
                progress(line.TrimEnd('\r'));
        }), ct);
        if (error is not null)
            throw new InvalidOperationException($"building {build.Tag} failed: {error}");
        if (!await ImageExistsAsync(build.Tag, ct))
            throw new InvalidOperationException($"building {build.Tag} produced no image");
    }

    public async Task<string> CreateNetworkAsync(NetworkSpec spec, CancellationToken ct)
    {
        var response = await client.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = spec.Name,
            Driver = "bridge",
            Internal = spec.Internal,
            // Asked for explicitly: an IPv6 bridge would give the agent a host address the isolation is not built for.
            EnableIPv6 = false,
            Labels = new Dictionary<string, string>(spec.Labels),
            Options = new Dictionary<string, string>(spec.DriverOptions),
            IPAM = spec.Subnet is null ? null! : new IPAM { Config = [new IPAMConfig { Subnet = spec.Subnet, Gateway = spec.Gateway!, IPRange = spec.IPRange! }] },
        }, ct);
        return response.ID;
    }

    public async Task RemoveNetworkAsync(string id, CancellationToken ct)
    {
        try
        {
            // Anything still attached (a container someone connected by hand) would keep the network alive.
            var network = await client.Networks.InspectNetworkAsync(id, ct);
            foreach (var container in network.Containers?.Keys ?? [])
                await client.Networks.DisconnectNetworkAsync(id, new NetworkDisconnectParameters { Container = container, Force = true }, ct);
            await client.Networks.DeleteNetworkAsync(id, ct);
        }
        catch (DockerNetworkNotFoundException)
        {
        }
    }

    public async Task<IReadOnlyList<string>> ListSubnetsAsync(CancellationToken ct) =>
        [.. (await client.Networks.ListNetworksAsync(new NetworksListParameters(), ct))
            .SelectMany(n => n.IPAM?.Config ?? []).Select(c => c.Subnet).Where(s => !string.IsNullOrEmpty(s))];

    public async Task<IReadOnlyList<string>> NetworkGatewaysAsync(string id, CancellationToken ct)
    {
        var network = await client.Networks.InspectNetworkAsync(id, ct);
        return [.. (network.IPAM?.Config ?? []).Select(c => c.Gateway).Where(g => !string.IsNullOrEmpty(g)).Distinct()];
    }

    public async Task<bool> NetworkHasIPv6Async(string id, CancellationToken ct)
    {
        var network = await client.Networks.InspectNetworkAsync(id, ct);
        return network.EnableIPv6 || network.IPAM?.Config?.Any(c => c.Subnet?.Contains(':', StringComparison.Ordinal) == true) == true;
    }

    public async Task<string> CreateContainerAsync(ContainerSpec spec, CancellationToken ct) =>
        (await client.Containers.CreateContainerAsync(ContainerParameters.From(spec), ct)).ID;

    public Task ConnectNetworkAsync(string networkId, string containerId, IReadOnlyList<string> aliases, CancellationToken ct) =>
        client.Networks.ConnectNetworkAsync(networkId, new NetworkConnectParameters
        {
            Container = containerId,
            EndpointConfig = new EndpointSettings { Aliases = aliases.ToList() },
        }, ct);

    public Task StartContainerAsync(string id, CancellationToken ct) =>
        client.Containers.StartContainerAsync(id, new ContainerStartParameters(), ct);

    public async Task StartWithInputAsync(string id, ReadOnlyMemory<byte> input, CancellationToken ct)
    {
        // Attached before the start, so that nothing the container reads first is missed; stdin is a stream the engine
        // forwards and never records (inspect, logs and the container's files hold no copy).
        using var stream = await client.Containers.AttachContainerAsync(id, new ContainerAttachParameters { Stream = true, Stdin = true }, ct);
        await client.Containers.StartContainerAsync(id, new ContainerStartParameters(), ct);
        var buffer = input.ToArray();
        try
        {
            await stream.WriteAsync(buffer, 0, buffer.Length, ct);
            stream.CloseWrite();
        }
        finally
        {
            Array.Clear(buffer);
        }
    }

    public async Task StopContainerAsync(string id, TimeSpan grace, CancellationToken ct)
    {
        try
        {
            await client.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)grace.TotalSeconds }, ct);
        }
        catch (DockerContainerNotFoundException)
        {
        }
    }

    public async Task RemoveContainerAsync(string id, CancellationToken ct)
    {
        try
        {
            await client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, ct);
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict && e.ResponseBody?.Contains("already in progress") == true)
        {
            // Someone else is removing it: the outcome is the same.
        }
    }

    public Task SignalContainerAsync(string id, string signal, CancellationToken ct) =>
        client.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = signal }, ct);

    public async Task<long> WaitContainerAsync(string id, CancellationToken ct) =>
        (await client.Containers.WaitContainerAsync(id, ct)).StatusCode;

    public async Task<ContainerState?> InspectContainerAsync(string id, CancellationToken ct)
    {
        try
        {
            var inspect = await client.Containers.InspectContainerAsync(id, ct);
            var state = inspect.State!;
            var health = state.Health?.Status switch
            {
                "healthy" => HealthState.Healthy,
                "unhealthy" => HealthState.Unhealthy,
                "starting" => HealthState.Starting,
                _ => HealthState.None,
            };
            return new ContainerState(state.Running, state.ExitCode, health, state.Status, string.IsNullOrEmpty(state.Error) ? null : state.Error,
                inspect.RestartCount);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<LogLine> FollowLogsAsync(string id, DateTimeOffset? since, int maxLineBytes, [EnumeratorCancellation] CancellationToken ct)
    {
        using var stream = await client.Containers.GetContainerLogsAsync(id, new ContainerLogsParameters
        {
            Follow = true,
            ShowStdout = true,
            ShowStderr = true,
            Since = since?.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)!,
        }, ct);
        var buffer = new byte[8192];
        LogLineSplitter[] streams = [new(maxLineBytes, isError: false), new(maxLineBytes, isError: true)];
        var lines = new List<LogLine>();
        while (!ct.IsCancellationRequested)
        {
            MultiplexedStream.ReadResult read;
            try
            {
                read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, ct);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            if (read.EOF)
                break;
            streams[read.Target == MultiplexedStream.TargetStream.StandardError ? 1 : 0].Split(buffer.AsSpan(0, read.Count), lines);
            foreach (var line in lines)
                yield return line;
            lines.Clear();
        }
        foreach (var splitter in streams)
            splitter.Finish(lines);
        foreach (var line in lines)
            yield return line;
    }

    public async Task<IReadOnlyList<LabelledObject>> ListByLabelAsync(string label, CancellationToken ct)
    {
        var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [label] = true } };
        var containers = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }, ct);
        var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter }, ct);
        return
        [
            .. containers.Select(c => new LabelledObject(LabelledKind.Container, c.ID, c.Names.FirstOrDefault()?.TrimStart('/') ?? c.ID, Labels(c.Labels))),
            .. networks.Select(n => new LabelledObject(LabelledKind.Network, n.ID, n.Name, Labels(n.Labels))),
        ];
    }

    public Task CopyFileFromContainerAsync(string id, string path, string destination, CancellationToken ct) =>
        ContainerFileCopy.CopyAsync(client, id, path, destination, ct);

    public async Task CreateVolumeAsync(VolumeSpec spec, CancellationToken ct) =>
        await client.Volumes.CreateAsync(new VolumesCreateParameters { Name = spec.Name, Labels = new Dictionary<string, string>(spec.Labels) }, ct);

    public async Task<IReadOnlyList<LabelledObject>> ListVolumesAsync(string label, CancellationToken ct)
    {
        var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [label] = true } };
        var volumes = await client.Volumes.ListAsync(new VolumesListParameters { Filters = filter }, ct);
        return [.. (volumes.Volumes ?? []).Select(v => new LabelledObject(LabelledKind.Volume, v.Name, v.Name, Labels(v.Labels)))];
    }

    public async Task RemoveVolumeAsync(string name, CancellationToken ct)
    {
        try
        {
            await client.Volumes.RemoveAsync(name, force: false, ct);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
        }
    }

    public void Dispose() => client.Dispose();

    // Progress<T> posts to the thread pool, so reports could arrive after the call returned; these run in order, at once.
    private sealed class Immediate<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    private static IReadOnlyDictionary<string, string> Labels(IDictionary<string, string>? labels) =>
        labels is null ? new Dictionary<string, string>() : new Dictionary<string, string>(labels);

    // "registry:5000/team/img:tag" -> ("registry:5000/team/img", "tag"); a digest or no tag pulls as written / latest.
    private static (string Image, string Tag) SplitTag(string reference)
    {
        if (reference.Contains('@'))
            return (reference, "");
        var slash = reference.LastIndexOf('/');
        var colon = reference.LastIndexOf(':');
        return colon > slash ? (reference[..colon], reference[(colon + 1)..]) : (reference, "latest");
    }
}
