using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>One run of the isolation probe for a bottle being started (see <see cref="IsolationProbe"/>).</summary>
internal sealed class IsolationProbeRun(IContainerEngine engine, IReadOnlyList<int> ports)
{
    /// <summary>How long the isolation probe may take, waiting for the edge included; past it the bottle fails closed.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Runs <see cref="IsolationProbe"/> beside the proxies' start: the edge answers at <paramref name="proxyAddress"/> and by
    /// name, and no gateway of any bottle network, nor pipelock, on any probed port. Throws with its findings, when it
    /// takes longer than <see cref="ProbeTimeout"/>, or when a proxy did not stay up.
    /// </summary>
    public async Task RunAsync(ContainerSpec spec, BottleInstance instance, string proxyAddress, string pipelockAddress, Task proxyStarted,
        IBottleProgress progress, CancellationToken ct)
    {
        // pipelock's own address must be as silent as a gateway: an agent that reached it would skip the edge.
        var gateways = new List<string> { pipelockAddress };
        foreach (var network in new[] { instance.InternalNetworkId!, instance.MiddleNetworkId!, instance.EgressNetworkId! })
        {
            // Read back from the engine, not taken from the plan: what was made is what is checked.
            var reported = await engine.NetworkGatewaysAsync(network, ct);
            gateways.AddRange(reported.Count > 0 ? reported
                : throw new InvalidOperationException("the engine reports no gateway for a bottle network, so its isolation cannot be checked"));
        }
        var probe = await engine.CreateContainerAsync(spec with { Command = IsolationProbe.Arguments(proxyAddress, gateways, ports) }, ct);
        try
        {
            await engine.StartContainerAsync(probe, ct);
            // A proxy that could not start fails the bottle with its own reason, not the probe's.
            await proxyStarted;
            progress.Step("checking the proxies and the bottle's isolation");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ProbeTimeout);
            long code;
            try
            {
                code = await engine.WaitContainerAsync(probe, timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"the isolation probe did not end within {ProbeTimeout.TotalSeconds:0} s, so the agent was not started " +
                                           "(an engine starting many bottles at once on few CPUs can be this slow: start fewer at once)");
            }
            var output = new List<string>();
            await foreach (var line in engine.FollowLogsAsync(probe, null, ct))
                output.Add(line.Text);
            if (code != 0 || !output.Contains("PROBE OK"))
                throw new InvalidOperationException(
                    $"the isolation probe failed, so the agent was not started: {string.Join("; ", output.Where(l => l.StartsWith("FAIL", StringComparison.Ordinal) || l.Contains("not found", StringComparison.Ordinal)).DefaultIfEmpty($"exit code {code}"))}");
            await EnsureRunningAsync(instance.ProxyId!, "the proxy", ct);
            await EnsureRunningAsync(instance.EdgeId!, "the edge proxy", ct);
        }
        finally
        {
            await engine.RemoveContainerAsync(probe, CancellationToken.None);
        }
    }

    private async Task EnsureRunningAsync(string containerId, string what, CancellationToken ct)
    {
        var state = await engine.InspectContainerAsync(containerId, ct) ?? throw new InvalidOperationException($"{what}'s container disappeared");
        if (!state.Running)
            throw new InvalidOperationException($"{what} exited with code {state.ExitCode} as it started (see its log)");
    }
}
