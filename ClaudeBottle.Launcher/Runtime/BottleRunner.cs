using System.Diagnostics;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Telemetry;
using Docker.DotNet;
using Microsoft.Extensions.Logging;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// Creates and removes one bottle on the engine: networks, then the proxy (started and healthy), then the agent.
/// A start that fails removes whatever it had made, so a failure leaves nothing behind.
/// </summary>
public sealed class BottleRunner(IContainerEngine engine, ILogger logger)
{
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where the bottle networks' subnets come from.</summary>
    public SubnetAllocator Subnets { get; init; } = SubnetAllocator.Parse(SubnetAllocator.DefaultPool);

    // Bottles of this process start concurrently; choosing subnets one at a time, and remembering those being
    // created, keeps them apart.
    private static readonly SemaphoreSlim SubnetGate = new(1, 1);
    private static readonly List<System.Net.IPNetwork> Reserved = [];

    /// <summary>Writes the proxy config, then creates and starts everything in <paramref name="plan"/>.</summary>
    public async Task<BottleInstance> StartAsync(BottlePlan plan, string stateDirectory, IBottleProgress progress, CancellationToken ct)
    {
        var name = plan.Bottle.Name;
        var instance = new BottleInstance(name, stateDirectory);
        var step = "preparing";
        Activity? span = null;
        // Each step is a span of the launch trace; the one in progress when something fails carries the reason.
        void Begin(string spanName, string description)
        {
            span?.Dispose();
            step = description;
            span = LaunchTracing.Step(spanName, name);
        }
        try
        {
            step = "writing the pipelock configuration";
            WriteProxyConfig(plan, stateDirectory);

            Begin("image.pull", $"making image {plan.Proxy.Image} available");
            await EnsureImageAsync(plan.Proxy.Image, progress, ct);
            step = $"making image {plan.Agent.Image} available";
            await EnsureImageAsync(plan.Agent.Image, progress, ct);
            if (plan.Telemetry is { } sinkSpec && sinkSpec.Image != plan.Agent.Image)
            {
                step = $"making image {sinkSpec.Image} available";
                await EnsureImageAsync(sinkSpec.Image, progress, ct);
            }

            Begin("network.create", "creating the bottle's networks");
            progress.Step(step);
            var internalNetwork = CreateNetworkAsync(plan.InternalNetwork, ct);
            var egressNetwork = CreateNetworkAsync(plan.EgressNetwork, ct);
            try
            {
                await Task.WhenAll(internalNetwork, egressNetwork);
            }
            finally
            {
                // Whichever was made is removed on failure.
                instance.InternalNetworkId = internalNetwork.IsCompletedSuccessfully ? internalNetwork.Result : null;
                instance.EgressNetworkId = egressNetwork.IsCompletedSuccessfully ? egressNetwork.Result : null;
            }

            Begin("proxy.start", "creating the pipelock proxy");
            progress.Step(step);
            instance.ProxyId = await engine.CreateContainerAsync(plan.Proxy, ct);
            // Attached before start: engines before API 1.44 accept only one network at create.
            await engine.ConnectNetworkAsync(instance.EgressNetworkId!, instance.ProxyId, [], ct);
            await progress.ProxyCreatedAsync(instance.ProxyId);

            step = "starting the pipelock proxy";
            await engine.StartContainerAsync(instance.ProxyId, ct);
            // From inside the bottle: the proxy answers /health (it is healthy), and nothing else answers. Not started
            // earlier: before the proxy exists, the agent network's resolver takes seconds to fail on its name.
            Begin("proxy.health", "checking the proxy and the bottle's isolation");
            progress.Step(step);
            await EnsureRunningAsync(instance.ProxyId, ct);
            await ProbeAsync(plan, instance, ct);
            await progress.ProxyHealthyAsync();

            if (plan.Telemetry is { } sink)
            {
                // Up before Claude, which exports to it from its first moments.
                Begin("telemetry.start", "starting the telemetry sink");
                progress.Step(step);
                instance.TelemetryId = await engine.CreateContainerAsync(sink, ct);
                await engine.StartContainerAsync(instance.TelemetryId, ct);
            }

            Begin("agent.start", "creating the agent");
            progress.Step(step);
            instance.AgentId = await engine.CreateContainerAsync(plan.Agent, ct);
            step = "starting the agent";
            await engine.StartContainerAsync(instance.AgentId, ct);
            await progress.AgentStartedAsync(instance.AgentId);
            span?.Dispose();
            return instance;
        }
        catch (Exception e)
        {
            span.Fail($"failed while {step}: {Describe(e)}");
            span?.Dispose();
            logger.LogError("Bottle {Bottle} failed while {Step}: {Reason}", name, step, Describe(e));
            await RemoveAsync(instance, CancellationToken.None);
            if (e is OperationCanceledException && ct.IsCancellationRequested)
                throw;
            throw new BottleStartException(name, step, Describe(e), e);
        }
    }

    /// <summary>Creates a network on the next free subnet of the pool; another app host may take one at the same moment.</summary>
    private async Task<string> CreateNetworkAsync(NetworkSpec spec, CancellationToken ct)
    {
        // Subnets another app host took between our look and our create; its network may not be listed yet.
        var refused = new List<System.Net.IPNetwork>();
        for (var attempt = 1; ; attempt++)
        {
            var subnet = await ReserveSubnetAsync(refused, ct);
            try
            {
                // The gateway is named so that the engine reports it, and the isolation probe knows what to check.
                return await engine.CreateNetworkAsync(spec with { Subnet = subnet.ToString(), Gateway = SubnetAllocator.GatewayOf(subnet).ToString() }, ct);
            }
            catch (DockerApiException e) when (attempt < 8 && e.ResponseBody?.Contains("overlap", StringComparison.OrdinalIgnoreCase) == true)
            {
                // Taken by someone else between our look and our create: look again, past it.
                refused.Add(subnet);
            }
            finally
            {
                // Made or not, the engine's own list now answers for it.
                await SubnetGate.WaitAsync(CancellationToken.None);
                Reserved.Remove(subnet);
                SubnetGate.Release();
            }
        }
    }

    /// <summary>
    /// Picks a subnet free on the engine and not being created by another bottle of this process: the choice is one
    /// at a time, the creation (the slow part) is not.
    /// </summary>
    private async Task<System.Net.IPNetwork> ReserveSubnetAsync(IReadOnlyList<System.Net.IPNetwork> refused, CancellationToken ct)
    {
        await SubnetGate.WaitAsync(ct);
        try
        {
            var subnet = Subnets.Next([.. await engine.ListSubnetsAsync(ct), .. Reserved.Concat(refused).Select(r => r.ToString())])
                         ?? throw new InvalidOperationException(
                             $"no free /{SubnetAllocator.DefaultPrefixLength} subnet is left in the bottle address pool {Subnets.Pool} " +
                             $"({Subnets.Capacity} subnets, two per bottle, all in use); stop some bottles, or give a wider pool in " +
                             $"{NetworkOptions.AddressPoolKey}");
            Reserved.Add(subnet);
            return subnet;
        }
        finally
        {
            SubnetGate.Release();
        }
    }


    /// <summary>
    /// Runs <see cref="IsolationProbe"/> on the agent's network: the proxy must answer, and neither network's host
    /// address may. Throws with the probe's findings otherwise.
    /// </summary>
    private async Task ProbeAsync(BottlePlan plan, BottleInstance instance, CancellationToken ct)
    {
        var forbidden = new List<string>();
        foreach (var network in new[] { instance.InternalNetworkId!, instance.EgressNetworkId! })
            forbidden.Add(await engine.NetworkGatewayAsync(network, ct)
                          ?? throw new InvalidOperationException("the engine reports no gateway for a bottle network, so its isolation cannot be checked"));
        var probe = await engine.CreateContainerAsync(IsolationProbe.Spec(plan.Agent, forbidden, AgentLayout.ProxyHost, AgentLayout.ProxyPort), ct);
        try
        {
            await engine.StartContainerAsync(probe, ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(90));
            var code = await engine.WaitContainerAsync(probe, timeout.Token);
            var output = new List<string>();
            await foreach (var line in engine.FollowLogsAsync(probe, null, ct))
                output.Add(line.Text);
            if (code != 0)
                throw new InvalidOperationException(
                    $"the isolation probe failed, so the agent was not started: {string.Join("; ", output.Where(l => l.StartsWith("FAIL", StringComparison.Ordinal) || l.Contains("not found", StringComparison.Ordinal)).DefaultIfEmpty($"exit code {code}"))}");
        }
        finally
        {
            await engine.RemoveContainerAsync(probe, CancellationToken.None);
        }
    }

    /// <summary>
    /// Removes the agent, the proxy, the networks and the generated files; safe to call twice. False when something
    /// could not be removed (the engine did not answer): it stays in <paramref name="instance"/> for a later call.
    /// </summary>
    public async Task<bool> RemoveAsync(BottleInstance instance, CancellationToken ct)
    {
        using var span = LaunchTracing.Step("bottle.teardown", instance.Name, root: true);
        var failures = new List<string>();
        async Task<bool> Try(string what, Func<Task> action)
        {
            try
            {
                await action();
                return true;
            }
            catch (Exception e)
            {
                failures.Add($"{what}: {Describe(e)}");
                return false;
            }
        }

        if (instance.AgentId is { } agent && await Try("agent container", () => engine.RemoveContainerAsync(agent, ct)))
            instance.AgentId = null;
        if (instance.TelemetryId is { } telemetry && await Try("telemetry sink", () => engine.RemoveContainerAsync(telemetry, ct)))
            instance.TelemetryId = null;
        if (instance.ProxyId is { } proxy && await Try("proxy container", () => engine.RemoveContainerAsync(proxy, ct)))
            instance.ProxyId = null;
        // A network goes only once nothing is attached to it.
        var containersGone = instance is { AgentId: null, TelemetryId: null, ProxyId: null };
        if (containersGone && instance.InternalNetworkId is { } internalNetwork && await Try("internal network", () => engine.RemoveNetworkAsync(internalNetwork, ct)))
            instance.InternalNetworkId = null;
        if (containersGone && instance.EgressNetworkId is { } egress && await Try("egress network", () => engine.RemoveNetworkAsync(egress, ct)))
            instance.EgressNetworkId = null;
        // The proxy's config goes last: a proxy still there may be restarted by its engine, and needs it.
        if (instance is { InternalNetworkId: null, EgressNetworkId: null } && containersGone)
            await Try("state directory", () =>
            {
                if (Directory.Exists(instance.StateDirectory))
                    Directory.Delete(instance.StateDirectory, recursive: true);
                return Task.CompletedTask;
            });
        if (failures.Count == 0)
            return true;
        span.Fail(string.Join("; ", failures));
        logger.LogError("Bottle {Bottle}: could not remove {Failures}", instance.Name, string.Join("; ", failures));
        return false;
    }

    /// <summary>The pipelock config goes in the bottle's state directory, readable by pipelock's unprivileged user.</summary>
    public static string ConfigFile(string stateDirectory) => Path.Join(stateDirectory, "pipelock.yaml");

    private static void WriteProxyConfig(BottlePlan plan, string stateDirectory)
    {
        var directory = Directory.CreateDirectory(stateDirectory);
        var file = ConfigFile(stateDirectory);
        File.WriteAllText(file, plan.ProxyConfig);
        if (!OperatingSystem.IsWindows())
        {
            directory.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                     UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }

    /// <summary>An image already present is used as it is; only a missing one is pulled.</summary>
    private async Task EnsureImageAsync(string image, IBottleProgress progress, CancellationToken ct)
    {
        if (await engine.ImageExistsAsync(image, ct))
            return;
        progress.Step($"pulling image {image}");
        try
        {
            await engine.PullImageAsync(image, line => progress.Step($"pull {image}: {line}"), ct);
        }
        catch (DockerApiException e)
        {
            throw new InvalidOperationException($"image {image} is not present on the engine and could not be pulled ({Describe(e)})", e);
        }
        if (!await engine.ImageExistsAsync(image, ct))
            throw new InvalidOperationException($"image {image} is not present on the engine and could not be pulled");
    }

    private async Task EnsureRunningAsync(string containerId, CancellationToken ct)
    {
        var state = await engine.InspectContainerAsync(containerId, ct) ?? throw new InvalidOperationException("the proxy container disappeared");
        if (!state.Running)
            throw new InvalidOperationException($"the proxy exited with code {state.ExitCode} as it started (see its log)");
    }

    private static string Describe(Exception e) => e switch
    {
        DockerApiException api => $"the engine answered {(int)api.StatusCode}: {api.ResponseBody?.Trim()}",
        _ => e.Message,
    };
}
