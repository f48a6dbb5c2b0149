using Docker.DotNet;
using Docker.DotNet.Models;

namespace ClaudeBottle.Integration.Tests.Docker;

/// <summary>
/// Creates the containers and networks a test needs, labelled with the test's own id, and removes every one of them
/// when disposed, whether the test passed or not.
/// </summary>
public sealed class TestScope : IAsyncDisposable
{
    public DockerClient Client { get; } = TestEngine.CreateClient();

    public string Id { get; } = "cbt" + Guid.NewGuid().ToString("N")[..10];

    private Dictionary<string, string> Labels => new() { [TestEngine.TestLabel] = Id };

    public async Task<string> CreateNetworkAsync(string name, bool isInternal, IDictionary<string, string>? options = null)
    {
        var response = await Client.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = $"{Id}-{name}",
            Driver = "bridge",
            Internal = isInternal,
            Labels = Labels,
            Options = options ?? new Dictionary<string, string>(),
        });
        return response.ID;
    }

    /// <summary>Starts a long-running container from the base image running <paramref name="script"/> in bash.</summary>
    public async Task<string> StartAsync(string name, string network, string script, string? alias = null, HostConfig? hostConfig = null)
    {
        var id = await CreateAsync(name, network, script, alias, hostConfig);
        await Client.Containers.StartContainerAsync(id, new ContainerStartParameters());
        return id;
    }

    /// <summary>Runs <paramref name="script"/> to completion and returns its exit code and output.</summary>
    public async Task<(long ExitCode, string Output)> RunAsync(string name, string network, string script, TimeSpan timeout)
    {
        var id = await CreateAsync(name, network, script, alias: null, hostConfig: null);
        await Client.Containers.StartContainerAsync(id, new ContainerStartParameters());
        using var cts = new CancellationTokenSource(timeout);
        var wait = await Client.Containers.WaitContainerAsync(id, cts.Token);
        return (wait.StatusCode, await LogsAsync(id));
    }

    public async Task<string> IpAddressAsync(string containerId, string networkId)
    {
        var inspect = await Client.Containers.InspectContainerAsync(containerId);
        return inspect.NetworkSettings!.Networks.Values.Single(n => n.NetworkID == networkId).IPAddress;
    }

    public async Task<string> LogsAsync(string containerId)
    {
        using var stream = await Client.Containers.GetContainerLogsAsync(containerId,
            new ContainerLogsParameters { ShowStdout = true, ShowStderr = true });
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(CancellationToken.None);
        return stdout + stderr;
    }

    /// <summary>
    /// The test's outside world: an upstream server on a network of the test's own, also attached to a bottle's egress
    /// network under <paramref name="aliases"/>, where the bottle's proxy finds it as it would a host on the internet.
    /// </summary>
    public async Task<Upstream> StartUpstreamAsync(string egressNetwork, params string[] aliases)
    {
        var outside = await CreateNetworkAsync("outside", isInternal: false);
        var id = await StartAsync("upstream", outside, Probes.UpstreamServer);
        await Client.Networks.ConnectNetworkAsync(egressNetwork, new NetworkConnectParameters
        {
            Container = id,
            EndpointConfig = new EndpointSettings { Aliases = [.. aliases] },
        });
        var networks = (await Client.Containers.InspectContainerAsync(id)).NetworkSettings!.Networks;
        var onEgress = networks.Single(n => n.Key == egressNetwork || n.Value.NetworkID == egressNetwork).Value.IPAddress;
        return new Upstream(id, outside, onEgress);
    }

    public sealed record Upstream(string Id, string OutsideNetwork, string EgressAddress);

    public async Task<string> GatewayAsync(string networkId)
    {
        var network = await Client.Networks.InspectNetworkAsync(networkId);
        var gateway = network.IPAM.Config.Single().Gateway;
        return string.IsNullOrEmpty(gateway) ? throw new InvalidOperationException($"network {networkId} reports no gateway") : gateway;
    }

    private async Task<string> CreateAsync(string name, string network, string script, string? alias, HostConfig? hostConfig)
    {
        hostConfig ??= new HostConfig();
        hostConfig.NetworkMode = network;
        hostConfig.Init = true;
        var response = await Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = $"{Id}-{name}",
            Image = TestEngine.BaseImage,
            Cmd = ["bash", "-c", script],
            Labels = Labels,
            // The engine publishes only exposed ports, as `docker run -p` exposes them implicitly.
            ExposedPorts = hostConfig.PortBindings?.Keys.ToDictionary(k => k, _ => new EmptyStruct()),
            HostConfig = hostConfig,
            NetworkingConfig = alias is null ? null : new NetworkingConfig
            {
                EndpointsConfig = new Dictionary<string, EndpointSettings> { [network] = new() { Aliases = [alias] } },
            },
        });
        return response.ID;
    }

    /// <summary>Runs <paramref name="script"/> in bash inside a running container, as its own user.</summary>
    public static async Task<(long ExitCode, string Output)> ExecAsync(DockerClient client, string containerId, string script)
    {
        var exec = await client.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters
        {
            Cmd = ["bash", "-c", script],
            AttachStdout = true,
            AttachStderr = true,
        });
        using (var stream = await client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters()))
        {
            var (stdout, stderr) = await stream.ReadOutputToEndAsync(CancellationToken.None);
            var inspect = await client.Exec.InspectContainerExecAsync(exec.ID);
            return (inspect.ExitCode ?? -1, stdout + stderr);
        }
    }

    public Task<(long ExitCode, string Output)> ExecAsync(string containerId, string script) => ExecAsync(Client, containerId, script);

    /// <summary>What the scope with <paramref name="id"/> left behind, found by label; empty after disposal.</summary>
    public static async Task<(IList<ContainerListResponse> Containers, IList<NetworkResponse> Networks)> LeftoversAsync(string id)
    {
        using var client = TestEngine.CreateClient();
        return await LeftoversAsync(client, id);
    }

    private static async Task<(IList<ContainerListResponse> Containers, IList<NetworkResponse> Networks)> LeftoversAsync(DockerClient client, string id)
    {
        var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{TestEngine.TestLabel}={id}"] = true } };
        var containers = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter });
        var networks = await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter });
        return (containers, networks);
    }

    public async ValueTask DisposeAsync()
    {
        var (containers, networks) = await LeftoversAsync(Client, Id);
        foreach (var container in containers)
            await Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        foreach (var network in networks)
            await Client.Networks.DeleteNetworkAsync(network.ID);
        Client.Dispose();
    }
}
