using System.Collections.Concurrent;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// Starts and stops bottles, and keeps the table of those running. Bottles start concurrently; a bottle whose agent
/// ends is removed whole; shutdown removes them all. Each other job has a type of its own, which this one calls.
/// </summary>
internal sealed class BottleOrchestrator(
    IContainerEngine engine,
    BottleRunner runner,
    ResourcePublisher publisher,
    BottleStarter starter,
    BottleHeadStart headStart,
    ContainerLogFollower logs,
    AgentExitWatcher exits,
    BottleRemoval removal,
    BackgroundWork background,
    ILogger<BottleOrchestrator> logger,
    CloneWork clones,
    TelemetryRelayFollower? relay = null)
{
    /// <summary>How long an ended agent's output may still be read before its container is removed.</summary>
    private static readonly TimeSpan AgentOutputDrain = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, BottleSession> _sessions = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _shutdown;

    public async Task StartAsync(BottleResource bottle, CancellationToken cancellationToken)
    {
        var session = _sessions.GetOrAdd(bottle.Name, _ => new BottleSession());
        // Shutdown cancels a start in flight; the runner then removes what it had made.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var ct = linked.Token;
        try
        {
            await session.Gate.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        try
        {
            if (session.Instance is null && !_stopping.IsCancellationRequested)
                await StartLockedAsync(bottle, session, ct);
        }
        finally
        {
            session.Gate.Release();
        }
    }

    private async Task StartLockedAsync(BottleResource bottle, BottleSession session, CancellationToken ct)
    {
        if (await starter.StartAsync(bottle, session, ct) is { } started)
            await StartedAsync(bottle, session, started.Plan, started.Instance);
    }

    /// <summary>The bottle runs: its table entry, what the dashboard shows of it, and what watches it.</summary>
    private async Task StartedAsync(BottleResource bottle, BottleSession session, BottlePlan plan, BottleInstance instance)
    {
        session.Instance = instance;
        session.Plan = plan;
        await publisher.PublishAsync(bottle.Agent, KnownResourceStates.Running, KnownResourceStateStyles.Success, started: true,
            properties: [.. BottleProperties.ForContainer(instance.AgentId!, plan.Agent.Image, [plan.InternalNetwork.Name]), .. BottleProperties.ForClone(plan.WorkspaceClone, null)]);
        await publisher.PublishAsync(bottle, KnownResourceStates.Running, KnownResourceStateStyles.Success);
        Watch(bottle, session, instance);
    }

    /// <summary>Follows the bottle's containers and waits for its agent to end, until the bottle stops.</summary>
    private void Watch(BottleResource bottle, BottleSession session, BottleInstance instance)
    {
        session.Watch = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var watch = session.Watch.Token;
        var agentId = instance.AgentId!;
        var agentOutput = background.Start($"following {bottle.Agent.Name}", () => logs.FollowAsync(bottle.Agent, session, agentId, since: null, watch));
        background.Run($"following {bottle.Proxy.Name}", () => logs.FollowAsync(bottle.Proxy, session, instance.ProxyId!, since: null, watch));
        if (instance.EdgeId is { } edgeId)
            background.Run($"following the edge of {bottle.Name}", () => logs.FollowAsync(bottle.Proxy, session, edgeId, since: null, watch, edge: true));
        if (relay is not null && instance.TelemetryId is { } sink)
            background.Run($"relaying the telemetry of {bottle.Name}", () => relay.RelayAsync(bottle, sink, watch));
        background.Run($"watching {bottle.Agent.Name}", async () =>
        {
            var code = await exits.WatchAsync(bottle, agentId,
                resumed: () => agentOutput = background.Start($"following {bottle.Agent.Name}", () => logs.FollowAsync(bottle.Agent, session, agentId, DateTimeOffset.UtcNow, watch)),
                watch);
            // A bottle lives as long as its agent: nothing is left behind once it is done. Its output is read to the end
            // first: an agent that ends at once can be gone before its follower attached, and its last words with it.
            if (code is { } exitCode)
            {
                await agentOutput.WaitAsync(AgentOutputDrain, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await StopAsync(bottle, exitCode, CancellationToken.None);
            }
        });
    }

    /// <summary>Removes the bottle's containers and networks; the agent's exit code, if it ended by itself.</summary>
    public async Task StopAsync(BottleResource bottle, long? exitCode, CancellationToken ct)
    {
        if (!_sessions.TryGetValue(bottle.Name, out var session))
            return;
        await session.Gate.WaitAsync(ct);
        try
        {
            if (session.Instance is null)
                return;
            publisher.Log(bottle).LogInformation("Removing bottle {Bottle}", bottle.Name);
            await publisher.PublishAsync(bottle, KnownResourceStates.Stopping, KnownResourceStateStyles.Info);
            var instance = session.Instance;
            await RemoveLockedAsync(session);
            await clones.PublishAsync(bottle, instance.CloneResult); // The agent's work, back from its clone as it was removed.
            var style = exitCode is null or 0 ? KnownResourceStateStyles.Success : KnownResourceStateStyles.Error;
            if (exitCode is null)
                await publisher.PublishAsync(bottle.Agent, KnownResourceStates.Exited, stopped: true);
            await publisher.PublishAsync(bottle.Proxy, KnownResourceStates.Exited, stopped: true);
            await publisher.PublishAsync(bottle, KnownResourceStates.Exited, style, exitCode: exitCode, stopped: true);
        }
        finally
        {
            session.Gate.Release();
        }
    }

    public async Task RestartAsync(BottleResource bottle, CancellationToken ct)
    {
        await StopAsync(bottle, exitCode: null, ct);
        await StartAsync(bottle, ct);
    }

    /// <summary>Stops or starts the proxy container alone; without it the agent has no way out at all.</summary>
    public async Task<string?> SetProxyRunningAsync(BottleResource bottle, bool running, CancellationToken ct)
    {
        if (!_sessions.TryGetValue(bottle.Name, out var session) || session.Instance?.ProxyId is not { } proxy || session.Watch is null)
            return "the bottle is not running";
        if (running)
            await engine.StartContainerAsync(proxy, ct); // Its follower sees it run again and says so.
        else
            await engine.StopContainerAsync(proxy, runner.StopGrace, ct);
        return null;
    }

    /// <summary>The proxy container's health; null when the bottle is not running or is being removed on purpose.</summary>
    public async Task<HealthState?> ProxyHealthAsync(BottleResource bottle, CancellationToken ct) =>
        !_stopping.IsCancellationRequested && _sessions.TryGetValue(bottle.Name, out var session) && session.Instance?.ProxyId is { } proxy
            ? (await engine.InspectContainerAsync(proxy, ct))?.Health ?? HealthState.Unhealthy
            : null;

    /// <summary>The bottle's entry in the table; null when it never started.</summary>
    public BottleSession? Session(BottleResource bottle) => _sessions.TryGetValue(bottle.Name, out var session) ? session : null;

    public string? ContainerName(BottleResource bottle, bool agent) =>
        _sessions.TryGetValue(bottle.Name, out var session) && session.Instance is not null && session.Plan is { } plan
            ? (agent ? plan.Agent.Name : plan.Proxy.Name)
            : null;

    /// <summary>Before Aspire is up: bottles approved in advance start making their containers now.</summary>
    public void BeginEarly(IEnumerable<BottleResource> bottles) => headStart.Begin(bottles, _stopping.Token);

    /// <summary>Removes every bottle this run made; once, however often it is asked.</summary>
    public Task ShutdownAsync()
    {
        lock (_sessions)
            return _shutdown ??= ShutdownCoreAsync();
    }

    private async Task ShutdownCoreAsync()
    {
        await _stopping.CancelAsync();
        var removed = await Task.WhenAll(_sessions.Values.Select(async session =>
        {
            // Waiting for the gate lets a start in flight finish (or roll back) before its bottle is removed.
            await session.Gate.WaitAsync(CancellationToken.None);
            try
            {
                return await RemoveLockedAsync(session);
            }
            catch (Exception e)
            {
                // One bottle's failure must not leave the others behind.
                logger.LogError(e, "Could not remove a bottle on shutdown");
                return false;
            }
            finally
            {
                session.Gate.Release();
            }
        }));
        // Head starts nobody took over (the app host stopped while Aspire was still starting).
        foreach (var instance in await headStart.AbandonAsync())
            await removal.RemoveAsync(instance, _stopping.Token);
        if (removed.Any(r => r))
            logger.LogInformation("Removed {Count} bottle(s) on shutdown", removed.Count(r => r));
        await background.DrainAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Stops watching a bottle and removes it from the engine; the caller holds the session's gate.</summary>
    private async Task<bool> RemoveLockedAsync(BottleSession session)
    {
        if (session.Instance is not { } instance)
            return false;
        if (session.Watch is { } watch)
        {
            try
            {
                await watch.CancelAsync();
            }
            catch (AggregateException e)
            {
                // A follower's cancellation callback failed; the bottle is removed all the same.
                logger.LogWarning("Stopping the followers of bottle {Bottle}: {Reason}", instance.Name, e.InnerException?.Message);
            }
        }
        await removal.RemoveAsync(instance, _stopping.Token);
        session.Instance = null;
        return true;
    }
}
