using System.Diagnostics;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Telemetry;
using Docker.DotNet;
using Microsoft.Extensions.Logging;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// Creates and removes one bottle on the engine: networks, then pipelock and the edge (started, the isolation probe
/// passed), then the agent.
/// A start that fails removes whatever it had made, so a failure leaves nothing behind.
/// </summary>
public sealed class BottleRunner(IContainerEngine engine, ILogger logger)
{
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where the bottle networks' subnets come from.</summary>
    public SubnetAllocator Subnets { get; init; } = SubnetAllocator.Parse(SubnetAllocator.DefaultPool);

    /// <summary>The agents' private clones: filled at start, their work brought back on request and at removal.</summary>
    public WorkspaceClones Clones { get; } = new(engine, logger);

    /// <summary>The ports the isolation probe tries at every gateway.</summary>
    public IReadOnlyList<int> ProbePorts { get; init; } = IsolationProbe.Ports;

    /// <summary>Writes the proxy config, then creates and starts everything in <paramref name="plan"/>.</summary>
    public async Task<BottleInstance> StartAsync(BottlePlan plan, string stateDirectory, IBottleProgress progress, CancellationToken ct)
    {
        plan = BottleSweep.Label(plan);
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
        var images = new ImageAvailability(engine);
        try
        {
            // No probe, no proof of isolation: such a bottle is not started.
            var probeSpec = plan.Probe ?? throw new InvalidOperationException("the plan has no isolation probe, so the bottle's isolation cannot be checked");
            // No edge, no inspection and no credentials kept from the agent: such a bottle is not started either.
            var edgeSpec = plan.Edge ?? throw new InvalidOperationException("the plan has no edge proxy, so the agent's traffic could not be inspected");
            // Before anything is made: a bottle whose host paths changed since approval creates nothing.
            step = "checking the manifest's host paths";
            MountRecheck.Verify(plan.Bottle);
            step = "writing the pipelock and edge configurations";
            WriteConfigs(plan, stateDirectory);

            Begin("image.pull", $"making image {plan.Proxy.Image} available");
            await images.EnsureAsync(plan.Proxy.Image, progress, ct);
            step = $"making image {plan.Agent.Image} available";
            await images.EnsureAsync(plan.Agent.Image, progress, ct);
            foreach (var image in new[] { edgeSpec.Image, plan.Telemetry?.Image, probeSpec.Image }.OfType<string>().Where(i => i != plan.Agent.Image).Distinct())
            {
                step = $"making image {image} available";
                await images.EnsureAsync(image, progress, ct);
            }

            Begin("network.create", "creating the bottle's networks");
            progress.Step(step);
            var networks = new BottleNetworks(engine, Subnets);
            var internalNetwork = networks.CreateAsync(plan.InternalNetwork, ct);
            var middleNetwork = networks.CreateAsync(plan.MiddleNetwork, ct);
            var egressNetwork = networks.CreateAsync(plan.EgressNetwork, ct);
            try
            {
                await Task.WhenAll(internalNetwork, middleNetwork, egressNetwork);
            }
            finally
            {
                // Whichever was made is removed on failure.
                instance.InternalNetworkId = internalNetwork.IsCompletedSuccessfully ? internalNetwork.Result.Id : null;
                instance.MiddleNetworkId = middleNetwork.IsCompletedSuccessfully ? middleNetwork.Result.Id : null;
                instance.EgressNetworkId = egressNetwork.IsCompletedSuccessfully ? egressNetwork.Result.Id : null;
            }
            span?.Dispose();
            span = null;

            // pipelock, the edge, the isolation probe and the telemetry sink start side by side: the probe waits for the
            // edge at the address it is given, and only the agent, which comes last, depends on all of them.
            var edgeAddress = SubnetAllocator.ProxyAddressOf(internalNetwork.Result.Subnet).ToString();
            var pipelockAddress = SubnetAllocator.ProxyAddressOf(middleNetwork.Result.Subnet).ToString();
            var proxy = StepAsync(name, "proxy.start", "creating and starting the pipelock proxy", async () =>
            {
                instance.ProxyId = await engine.CreateContainerAsync(plan.Proxy with { IPv4Address = pipelockAddress }, ct);
                // Attached before start: engines before API 1.44 accept only one network at create.
                await engine.ConnectNetworkAsync(instance.EgressNetworkId!, instance.ProxyId, [], ct);
                await progress.ProxyCreatedAsync(instance.ProxyId);
                await engine.StartContainerAsync(instance.ProxyId, ct);
            });
            var edge = StepAsync(name, "edge.start", "creating and starting the edge proxy", async () =>
            {
                instance.EdgeId = await engine.CreateContainerAsync(edgeSpec with { IPv4Address = edgeAddress }, ct);
                await engine.ConnectNetworkAsync(instance.MiddleNetworkId!, instance.EdgeId, [], ct);
                var secrets = EdgeSecrets.Document(plan.Bottle);
                try
                {
                    await engine.StartWithInputAsync(instance.EdgeId, secrets, ct);
                }
                finally
                {
                    Array.Clear(secrets);
                }
            });
            progress.Step("creating the pipelock and edge proxies");
            var probe = StepAsync(name, "proxy.health", "checking the proxies and the bottle's isolation",
                () => new IsolationProbeRun(engine, ProbePorts).RunAsync(probeSpec, instance, edgeAddress, pipelockAddress, AllAsync(proxy, edge), progress, ct));
            var sink = plan.Telemetry is { } sinkContainer ? StepAsync(name, "telemetry.start", "starting the telemetry sink", async () =>
            {
                // Up before Claude, which exports to it from its first moments.
                instance.TelemetryId = await engine.CreateContainerAsync(sinkContainer, ct);
                await engine.StartContainerAsync(instance.TelemetryId, ct);
            }) : Task.CompletedTask;
            await AllAsync(proxy, edge, probe, sink);
            await progress.ProxyHealthyAsync();

            Begin("agent.start", "creating the agent");
            progress.Step(step);
            // Again as late as can be: the agent's mounts are made from these paths now.
            step = "checking the manifest's host paths again";
            MountRecheck.Verify(plan.Bottle);
            step = AgentStateVolumes.StepOf(plan) ?? step;
            await AgentStateVolumes.PrepareAsync(engine, plan, ct);
            if (plan.WorkspaceClone is { } clone)
            {
                step = $"making the agent's clone of {clone.Source.Repository} on branch {clone.Branch}";
                progress.Step(step);
                await Clones.PrepareAsync(plan, instance, ct);
            }
            step = "creating the agent";
            if (instance.Clone is { } made)
                made.AgentCreated = true; // Before the create: one the client gave up on may still have run the agent.
            instance.AgentId = await engine.CreateContainerAsync(plan.Agent, ct);
            step = "starting the agent";
            await engine.StartContainerAsync(instance.AgentId, ct);
            await progress.AgentStartedAsync(instance.AgentId);
            span?.Dispose();
            return instance;
        }
        catch (Exception failure)
        {
            var e = failure;
            if (failure is StepFailedException stepFailure)
                (step, e) = (stepFailure.Step, stepFailure.InnerException!);
            span.Fail($"failed while {step}: {Describe(e)}");
            span?.Dispose();
            logger.LogError("Bottle {Bottle} failed while {Step}: {Reason}", name, step, Describe(e));
            if (await RemoveAsync(instance, CancellationToken.None))
                await new BottleSweep(engine, logger).SweepAsync(plan);
            if (e is OperationCanceledException && ct.IsCancellationRequested)
                throw;
            throw new BottleStartException(name, step, Describe(e), e);
        }
    }

    /// <summary>One step of a start, run beside others: its own span, and a failure that names it.</summary>
    private static async Task StepAsync(string bottle, string spanName, string description, Func<Task> work)
    {
        using var span = LaunchTracing.Step(spanName, bottle);
        try
        {
            await work();
        }
        catch (Exception e) when (e is not (OperationCanceledException or StepFailedException))
        {
            // A step that failed because another did (the probe waits for the proxy) leaves the blame with that one.
            span.Fail($"failed while {description}: {Describe(e)}");
            throw new StepFailedException(description, e);
        }
    }

    /// <summary>Waits for every task, then rethrows the first failure: a start's steps all end before anything is removed.</summary>
    private static async Task AllAsync(params Task[] tasks)
    {
        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            // A step cancelled (by the start's own token) has no exception: then the cancellation is the failure.
            throw tasks.Select(t => t.Exception?.InnerException).OfType<StepFailedException>().FirstOrDefault()
                  ?? tasks.Select(t => t.Exception?.InnerException).FirstOrDefault(e => e is not null)
                  ?? new OperationCanceledException("the start was cancelled");
        }
    }

    /// <summary>A step of a start that failed, and which.</summary>
    private sealed class StepFailedException(string step, Exception inner) : Exception(inner.Message, inner)
    {
        public string Step { get; } = step;
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
        // Once the agent is gone: its work comes back, then its clone goes (or stays, named, when the work cannot come back).
        if (instance is { AgentId: null, Clone: not null })
            await Try("workspace clone", () => Clones.FinishAsync(instance, ct));
        if (instance.TelemetryId is { } telemetry && await Try("telemetry sink", () => engine.RemoveContainerAsync(telemetry, ct)))
            instance.TelemetryId = null;
        // After the agent, which mounts its volume.
        if (instance.EdgeId is { } edge && await Try("edge container", () => engine.RemoveContainerAsync(edge, ct)))
            instance.EdgeId = null;
        if (instance.ProxyId is { } proxy && await Try("proxy container", () => engine.RemoveContainerAsync(proxy, ct)))
            instance.ProxyId = null;
        // A network goes only once nothing is attached to it.
        var containersGone = instance is { AgentId: null, TelemetryId: null, EdgeId: null, ProxyId: null };
        if (containersGone && instance.InternalNetworkId is { } internalNetwork && await Try("internal network", () => engine.RemoveNetworkAsync(internalNetwork, ct)))
            instance.InternalNetworkId = null;
        if (containersGone && instance.MiddleNetworkId is { } middle && await Try("middle network", () => engine.RemoveNetworkAsync(middle, ct)))
            instance.MiddleNetworkId = null;
        if (containersGone && instance.EgressNetworkId is { } egress && await Try("egress network", () => engine.RemoveNetworkAsync(egress, ct)))
            instance.EgressNetworkId = null;
        // The proxy's config goes last: a proxy still there may be restarted by its engine, and needs it.
        if (instance is { InternalNetworkId: null, MiddleNetworkId: null, EgressNetworkId: null } && containersGone)
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

    /// <summary>The edge's config, beside pipelock's; it holds placeholders and rules, never a credential's value.</summary>
    public static string EdgeConfigFile(string stateDirectory) => Path.Join(stateDirectory, "edge.json");

    private static void WriteConfigs(BottlePlan plan, string stateDirectory)
    {
        var directory = Directory.CreateDirectory(stateDirectory);
        if (!OperatingSystem.IsWindows())
            directory.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                     UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        foreach (var (file, text) in new[] { (ConfigFile(stateDirectory), plan.ProxyConfig), (EdgeConfigFile(stateDirectory), plan.EdgeConfig) })
        {
            File.WriteAllText(file, text);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }

    private static string Describe(Exception e) => e switch
    {
        DockerApiException api => $"the engine answered {(int)api.StatusCode}: {api.ResponseBody?.Trim()}",
        _ => e.Message,
    };
}
