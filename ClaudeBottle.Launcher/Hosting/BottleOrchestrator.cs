#pragma warning disable ASPIREINTERACTION001 // The interaction service is how Aspire asks the user; it is marked for evaluation.
using System.Collections.Concurrent;
using System.Collections.Immutable;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Cli;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// Drives every bottle's lifecycle on the container engine and mirrors it into Aspire: states, logs, properties.
/// Bottles start concurrently; a bottle whose agent ends is removed whole; the app host's shutdown removes them all.
/// </summary>
internal sealed class BottleOrchestrator(
    IContainerEngine engine,
    ResourceNotificationService notifications,
    ResourceLoggerService loggers,
    IInteractionService interaction,
    ClaudeBottleOptions options,
    ILogger<BottleOrchestrator> logger) : IHostedService, IAsyncDisposable
{
    private readonly BottleRunner _runner = new(engine, logger) { Subnets = SubnetAllocator.Parse(options.AddressPool) };
    private readonly AgentImageBuilder _images = new(engine);
    // Present when there is somewhere to send telemetry (the dashboard, or OTEL_EXPORTER_OTLP_ENDPOINT over HTTP).
    private readonly OtlpRelay? _relay = options.Telemetry is { } destination ? new OtlpRelay(destination, logger) : null;
    private readonly ConcurrentDictionary<string, Session> _sessions = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _readyGate = new(1, 1);
    private InstanceLease? _lease;
    private Task? _shutdown;

    private sealed class Session
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public BottleInstance? Instance { get; set; }
        public BottlePlan? Plan { get; set; }
        public CancellationTokenSource? Watch { get; set; }
        public EgressSummary Egress { get; set; } = new();
    }

    /// <summary>Called when Aspire initialises a bottle: starts it if it was chosen to start at launch.</summary>
    public Task InitializeAsync(BottleResource bottle, CancellationToken ct) =>
        options.StartsAtLaunch(bottle.Name) ? StartAsync(bottle, ct) : Task.CompletedTask;

    public async Task StartAsync(BottleResource bottle, CancellationToken cancellationToken)
    {
        var session = _sessions.GetOrAdd(bottle.Name, _ => new Session());
        var log = loggers.GetLogger(bottle);
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
            if (session.Instance is not null || _stopping.IsCancellationRequested)
                return;
            var lease = await EnsureReadyAsync(bottle, ct);
            if (lease is null)
                return;

            var images = AgentImages.PlanFor(bottle.Bottle.Image, options.AgentImage, options.PrebuiltAgentImage);
            var agentImage = images.Tag;
            // The telemetry sink runs from the standard image, whatever image the agent has.
            var sinkImages = _relay is null ? null : AgentImages.PlanFor(new ImageSource.Standard(), options.AgentImage, options.PrebuiltAgentImage);
            if (Environment.GetEnvironmentVariable(AgentLayout.TokenVariable) is not { Length: > 0 })
                log.LogWarning("{Variable} is not set: Claude in bottle {Bottle} will not be able to log in. Run 'claude setup-token' and export it.",
                    AgentLayout.TokenVariable, bottle.Name);
            if (!await ApproveAsync(bottle, log, ct))
            {
                await PublishAsync(bottle, KnownResourceStates.NotStarted);
                return;
            }

            session.Egress = new EgressSummary();
            await PublishAsync(bottle, KnownResourceStates.Starting, KnownResourceStateStyles.Info,
                properties: [.. BottleProperties.ForBottle(bottle.Bottle, agentImage), .. BottleProperties.ForEgress(session.Egress)], started: true);
            await PublishAsync(bottle.Proxy, KnownResourceStates.Starting, KnownResourceStateStyles.Info);
            await PublishAsync(bottle.Agent, KnownResourceStates.Waiting, KnownResourceStateStyles.Info);
            log.LogInformation("Starting bottle {Bottle}:{NewLine}{Plan}", bottle.Name, Environment.NewLine,
                PlanFormatter.Format(bottle.Bottle, options.ManifestDirectory ?? Environment.CurrentDirectory));

            // One trace per start; a headless Claude continues it (TRACEPARENT), so its run is a child of its launch.
            using var launch = LaunchTracing.Step("bottle.start", bottle.Name, root: true);
            var plan = BottlePlan.Create(bottle.Bottle, new BottlePlanSettings(lease.Id, lease.LockFile,
                $"claude-bottle-{lease.Id}-", options.PipelockImage, agentImage,
                BottleRunner.ConfigFile(StateDirectory(lease, bottle)), options.AgentImage.ExtraCaCertificatesFile,
                TelemetrySinkImage: sinkImages?.Tag, TraceParent: LaunchTracing.TraceParent(launch)));

            if (!await BuildImagesAsync(bottle, [.. images.Builds.Concat(sinkImages?.Builds ?? []).DistinctBy(r => r.Tag)], ct))
            {
                launch.Fail("an image build failed");
                return;
            }

            try
            {
                session.Instance = await _runner.StartAsync(plan, StateDirectory(lease, bottle), new Progress(this, bottle, plan, log), ct);
                session.Plan = plan;
            }
            catch (BottleStartException e)
            {
                launch.Fail(e.Message);
                await FailAsync(bottle, e.Message);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }

            await PublishAsync(bottle.Agent, KnownResourceStates.Running, KnownResourceStateStyles.Success, started: true,
                properties: BottleProperties.ForContainer(session.Instance.AgentId!, plan.Agent.Image, [plan.InternalNetwork.Name]));
            await PublishAsync(bottle, KnownResourceStates.Running, KnownResourceStateStyles.Success);

            session.Watch = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            var watch = session.Watch.Token;
            _ = FollowAsync(bottle.Agent, session.Instance.AgentId!, since: null, watch);
            _ = FollowAsync(bottle.Proxy, session.Instance.ProxyId!, since: null, watch);
            _ = WatchAgentAsync(bottle, session.Instance.AgentId!, watch);
            if (_relay is not null && session.Instance.TelemetryId is { } sink)
                _ = RelayAsync(bottle, sink, _relay, watch);
        }
        finally
        {
            session.Gate.Release();
        }
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
            loggers.GetLogger(bottle).LogInformation("Removing bottle {Bottle}", bottle.Name);
            await PublishAsync(bottle, KnownResourceStates.Stopping, KnownResourceStateStyles.Info);
            await RemoveLockedAsync(session);
            var style = exitCode is null or 0 ? KnownResourceStateStyles.Success : KnownResourceStateStyles.Error;
            if (exitCode is null)
                await PublishAsync(bottle.Agent, KnownResourceStates.Exited, stopped: true);
            await PublishAsync(bottle.Proxy, KnownResourceStates.Exited, stopped: true);
            await PublishAsync(bottle, KnownResourceStates.Exited, style, exitCode: exitCode, stopped: true);
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
        {
            await engine.StopContainerAsync(proxy, _runner.StopGrace, ct);
        }
        return null;
    }

    public async Task<HealthState> ProxyHealthAsync(BottleResource bottle, CancellationToken ct) =>
        _sessions.TryGetValue(bottle.Name, out var session) && session.Instance?.ProxyId is { } proxy
            ? (await engine.InspectContainerAsync(proxy, ct))?.Health ?? HealthState.Unhealthy
            : HealthState.Unhealthy;

    public string? ContainerName(BottleResource bottle, bool agent) =>
        _sessions.TryGetValue(bottle.Name, out var session) && session.Instance is not null && session.Plan is { } plan
            ? (agent ? plan.Agent.Name : plan.Proxy.Name)
            : null;

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The app host is stopping (Ctrl+C, SIGTERM, end of a test): remove every bottle it made.</summary>
    Task IHostedService.StopAsync(CancellationToken cancellationToken) => ShutdownAsync();

    /// <summary>
    /// Also on disposal: a SIGTERM that arrives while the app host is still starting makes the host give up without
    /// stopping its services, but bottles may already exist.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync();
        if (_relay is not null)
            await _relay.DisposeAsync();
    }

    private Task ShutdownAsync()
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
            finally
            {
                session.Gate.Release();
            }
        }));
        if (removed.Any(r => r))
            logger.LogInformation("Removed {Count} bottle(s) on shutdown", removed.Count(r => r));
        _lease?.Dispose();
    }

    /// <summary>Stops watching a bottle and removes it from the engine; the caller holds the session's gate.</summary>
    private async Task<bool> RemoveLockedAsync(Session session)
    {
        if (session.Instance is not { } instance)
            return false;
        if (session.Watch is { } watch)
            await watch.CancelAsync();
        if (!await _runner.RemoveAsync(instance, CancellationToken.None))
            await FinishRemovalAsync(instance);
        session.Instance = null;
        return true;
    }

    /// <summary>
    /// A removal the engine did not answer (it is restarting, say) is finished when it answers again; at shutdown
    /// there is no waiting, and the next start's reaper finishes it.
    /// </summary>
    private async Task FinishRemovalAsync(BottleInstance instance)
    {
        logger.LogWarning("Could not remove all of bottle {Bottle}; retrying when the container engine answers", instance.Name);
        foreach (var delay in Backoff())
        {
            try
            {
                await Task.Delay(delay, _stopping.Token);
                await engine.GetInfoAsync(_stopping.Token);
            }
            catch (Exception) when (!_stopping.IsCancellationRequested)
            {
                continue;
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (await _runner.RemoveAsync(instance, CancellationToken.None))
            {
                logger.LogInformation("Finished removing bottle {Bottle}", instance.Name);
                return;
            }
        }
    }

    /// <summary>How long to wait between looks for an engine that went away: 0.5 s, doubling, at most 5 s, for ever.</summary>
    private static IEnumerable<TimeSpan> Backoff()
    {
        for (var delay = TimeSpan.FromMilliseconds(500); ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks)))
            yield return delay;
    }

    private async Task<InstanceLease?> EnsureReadyAsync(BottleResource bottle, CancellationToken ct)
    {
        await _readyGate.WaitAsync(ct);
        try
        {
            if (_lease is not null)
                return _lease;
            var info = await engine.GetInfoAsync(ct);
            logger.LogInformation("Container engine {Version} (API {Api}, {Os})", info.Version, info.ApiVersion, info.OperatingSystem);
            if (EngineAdvisories.DnsLeak(info.Version) is { } advisory)
                logger.LogWarning("{Advisory}", advisory);
            var lease = InstanceLease.Acquire(options.StateRoot);
            try
            {
                await new Reaper(engine, logger).ReapAsync(lease, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Leftovers of another run are no reason to refuse this one.
                logger.LogWarning("Could not look for leftovers of earlier runs: {Reason}", e.Message);
            }
            return _lease = lease;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await FailAsync(bottle, $"the container engine is not usable: {e.Message}. Start Docker, or point DOCKER_HOST at a running engine.");
            return null;
        }
        finally
        {
            _readyGate.Release();
        }
    }

    private async Task<bool> ApproveAsync(BottleResource bottle, ILogger log, CancellationToken ct)
    {
        if (options.AutoApprove)
            return true;
        if (!interaction.IsAvailable)
        {
            log.LogError("Bottle {Bottle} needs approval, but there is no dashboard to ask in; run with --yes to approve every plan", bottle.Name);
            return false;
        }
        var plan = PlanFormatter.Format(bottle.Bottle, options.ManifestDirectory ?? Environment.CurrentDirectory);
        log.LogInformation("Waiting for approval of bottle {Bottle}'s plan in the dashboard (run with --yes to approve every plan)", bottle.Name);
        var answer = await interaction.PromptConfirmationAsync($"Start bottle '{bottle.Name}'?", $"```\n{plan}```",
            new MessageBoxInteractionOptions { EnableMessageMarkdown = true, PrimaryButtonText = "Start", SecondaryButtonText = "Don't start", ShowSecondaryButton = true },
            ct);
        if (!answer.Canceled && answer.Data)
            return true;
        log.LogWarning("Bottle {Bottle} was not approved and stays stopped; use its Start command to ask again", bottle.Name);
        return false;
    }

    private async Task WatchAgentAsync(BottleResource bottle, string agentId, CancellationToken ct)
    {
        long code;
        while (true)
        {
            try
            {
                code = await engine.WaitContainerAsync(agentId, ct);
                break;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The engine went away (restarted, crashed, unreachable): say so, and find out what became of the agent.
                if (await AwaitEngineAsync(bottle, agentId, e, ct) is not { } state)
                    return;
                if (state.Running)
                    continue;
                code = state.ExitCode;
                break;
            }
        }
        loggers.GetLogger(bottle.Agent).LogInformation("Agent exited with code {Code}", code);
        await PublishAsync(bottle.Agent, KnownResourceStates.Exited, code == 0 ? KnownResourceStateStyles.Success : KnownResourceStateStyles.Error,
            exitCode: code, stopped: true);
        // A bottle lives as long as its agent: nothing is left behind once it is done.
        await StopAsync(bottle, code, CancellationToken.None);
    }

    /// <summary>
    /// Reports the engine lost, then waits for it to answer again: the agent's state then, or null when the bottle is
    /// being removed anyway. An agent that is gone is reported as exited with code -1.
    /// </summary>
    private async Task<ContainerState?> AwaitEngineAsync(BottleResource bottle, string agentId, Exception lost, CancellationToken ct)
    {
        logger.LogWarning("Lost the container engine while bottle {Bottle} runs ({Reason}); waiting for it to come back", bottle.Name, lost.Message);
        loggers.GetLogger(bottle).LogWarning("The container engine stopped answering ({Reason}); waiting for it to come back", lost.Message);
        await PublishAsync(bottle, KnownResourceStates.RuntimeUnhealthy, KnownResourceStateStyles.Error);
        await PublishAsync(bottle.Agent, KnownResourceStates.RuntimeUnhealthy, KnownResourceStateStyles.Error);
        foreach (var delay in Backoff())
        {
            try
            {
                await Task.Delay(delay, ct);
                var state = await engine.InspectContainerAsync(agentId, ct) ?? new ContainerState(false, -1, HealthState.None, "removed", null);
                logger.LogWarning("The container engine answers again; bottle {Bottle}'s agent is {Status}", bottle.Name, state.Running ? "running" : $"exited ({state.ExitCode})");
                loggers.GetLogger(bottle).LogWarning("The container engine answers again; the agent is {Status}", state.Running ? "running" : $"exited with code {state.ExitCode}");
                if (state.Running)
                {
                    await PublishAsync(bottle.Agent, KnownResourceStates.Running, KnownResourceStateStyles.Success);
                    await PublishAsync(bottle, KnownResourceStates.Running, KnownResourceStateStyles.Success);
                    _ = FollowAsync(bottle.Agent, agentId, since: DateTimeOffset.UtcNow, ct);
                }
                return state;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // Still gone.
            }
        }
        return null; // Not reached: the backoff never ends.
    }

    private async Task FollowAsync(IResource resource, string containerId, DateTimeOffset? since, CancellationToken ct)
    {
        var log = loggers.GetLogger(resource);
        // A headless agent's output is Claude's stream-json: shown as readable lines.
        var render = resource is BottleAgentResource { Parent.Bottle.IsHeadless: true };
        var proxyOf = (resource as BottleProxyResource)?.Parent;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var line in engine.FollowLogsAsync(containerId, since, ct))
                {
                    if (proxyOf is not null && EgressDecision.TryParse(line.Text) is { } decision)
                        await RecordEgressAsync(proxyOf, decision);
                    var texts = render && !line.IsError ? ClaudeStreamRenderer.Render(line.Text) : [line.Text];
                    foreach (var text in texts)
                        log.Log(line.IsError ? LogLevel.Error : LogLevel.Information, 0, text, null, static (t, _) => t);
                }
            }
            catch (Exception e) when (e is OperationCanceledException || ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning("Log stream ended: {Reason}", e.Message);
            }
            if (ct.IsCancellationRequested || resource is not BottleProxyResource proxy)
                return;
            // The proxy stopped while its bottle lives on (a Stop command, or a crash): the agent is cut off until it is
            // back, which the engine does by itself after a crash, and the Start command after a stop.
            since = DateTimeOffset.UtcNow;
            if (!await WaitForProxyAsync(proxy, containerId, ct))
                return;
        }
    }

    /// <summary>Counts a proxy decision in its bottle's summary, and sends it on as a log record of the proxy.</summary>
    private async Task RecordEgressAsync(BottleResource bottle, EgressDecision decision)
    {
        if (!_sessions.TryGetValue(bottle.Name, out var session))
            return;
        if (session.Egress.Add(decision) && !decision.Allowed)
            NoteRefusal(bottle, decision, session.Egress.BlockedHosts);
        _relay?.Egress(new TelemetrySource(bottle.Proxy.Name, bottle.Name), decision);
        await PublishAsync(bottle, null, properties: BottleProperties.ForEgress(session.Egress));
    }

    /// <summary>
    /// Says in the agent's console, once per host, that its proxy refused a host: Claude reports only that "the proxy
    /// refused the tunnel", and the person reading its failure needs the host and the fix. A few dozen lines at most,
    /// whatever the agent tries; the bottle's properties count the rest.
    /// </summary>
    private void NoteRefusal(BottleResource bottle, EgressDecision decision, int refusedHosts)
    {
        const int MaxNoted = 20;
        if (refusedHosts > MaxNoted)
            return;
        var log = loggers.GetLogger(bottle.Agent);
        var fix = decision.Scanner == "allowlist"
            ? $"; if the agent needs it, add \"{decision.Host}\" to bottles.{bottle.Bottle.BottleName}.egress.allowlist in the manifest"
            : "";
        log.LogWarning("The bottle's proxy refused {Target} ({Reason}){Fix}", decision.Target ?? decision.Host, decision.Reason ?? decision.Scanner ?? "blocked", fix);
        if (refusedHosts == MaxNoted)
            log.LogWarning("Further refused hosts are counted in the bottle's egress properties, not listed here");
    }

    /// <summary>
    /// Relays what Claude exported to the bottle's sink as the agent's telemetry, until the bottle ends. A sink that
    /// died (a flood can exhaust its memory) is restarted by the engine, and followed again; one that cannot run at
    /// all (an image without Node or the sink's script) is stopped after three restarts, with the reason.
    /// </summary>
    private async Task RelayAsync(BottleResource bottle, string sinkId, OtlpRelay relay, CancellationToken ct)
    {
        var source = new TelemetrySource(bottle.Agent.Name, bottle.Name);
        var log = loggers.GetLogger(bottle.Agent);
        var rejected = 0;
        DateTimeOffset? since = null;
        long? failingSince = null; // The restart count when the sink began to fail.
        while (!ct.IsCancellationRequested)
        {
            var followed = DateTimeOffset.UtcNow;
            try
            {
                await foreach (var line in engine.FollowLogsAsync(sinkId, since, ct))
                {
                    if (line.IsError)
                        log.LogWarning("telemetry sink: {Line}", line.Text); // Node's own complaints.
                    else if (!relay.Forward(source, line.Text) && rejected++ == 0)
                        log.LogWarning("The telemetry sink sent something that is not OTLP; it was dropped");
                }
            }
            catch (Exception e) when (e is OperationCanceledException || ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Following the telemetry of bottle {Bottle} failed: {Reason}", bottle.Name, e.Message);
            }
            if (ct.IsCancellationRequested)
                return;
            log.LogWarning("The telemetry sink stopped; Claude's telemetry is relayed again once the engine restarts it");
            since = DateTimeOffset.UtcNow;
            // A sink that stayed up a while had a single accident; one that keeps dying soon after starting cannot run.
            if (since - followed > TimeSpan.FromSeconds(30))
                failingSince = null;
            var (up, state) = await WaitForSinkAsync(sinkId, failingSince, ct);
            failingSince ??= state?.RestartCount;
            if (up)
            {
                log.LogInformation("The telemetry sink runs again");
                continue;
            }
            if (state is not null && !ct.IsCancellationRequested)
            {
                log.LogError("The telemetry sink keeps failing (exit code {Code}), so it is stopped and this bottle's Claude telemetry is off. " +
                             "Its image must carry Node and {Script}, as the standard agent image does.", state.ExitCode, TelemetrySink.Script);
                try
                {
                    await engine.StopContainerAsync(sinkId, TimeSpan.Zero, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning("Could not stop the telemetry sink of bottle {Bottle}: {Reason}", bottle.Name, e.Message);
                }
            }
            return;
        }
    }

    /// <summary>
    /// Waits until the sink is up again: (true, state); (false, state) when it keeps failing (three restarts since
    /// <paramref name="restarts"/>, or since now); (false, null) when it is gone or the bottle ends.
    /// </summary>
    private async Task<(bool Up, ContainerState? State)> WaitForSinkAsync(string containerId, long? restarts, CancellationToken ct)
    {
        bool Failing(ContainerState s) => s.RestartCount >= (restarts ??= s.RestartCount) + 3;
        var state = await PollAsync(containerId, s => Task.FromResult(Failing(s) || s.Up), TimeSpan.FromMilliseconds(250), ct);
        return state is null ? (false, null) : (!Failing(state), state);
    }

    /// <summary>
    /// Inspects a container until <paramref name="done"/> says so, and returns that state; null when the container is
    /// gone or <paramref name="ct"/> ends. While the engine does not answer it looks again: the agent's watcher reports that.
    /// </summary>
    private async Task<ContainerState?> PollAsync(string containerId, Func<ContainerState, Task<bool>> done, TimeSpan interval, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                try
                {
                    if (await engine.InspectContainerAsync(containerId, ct) is not { } state)
                        return null;
                    if (await done(state))
                        return state;
                }
                catch (Exception) when (!ct.IsCancellationRequested)
                {
                    // The engine itself is away.
                }
                await Task.Delay(interval, ct);
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Publishes the stopped proxy's state and waits until it runs again; false when it is gone for good.</summary>
    private async Task<bool> WaitForProxyAsync(BottleProxyResource proxy, string containerId, CancellationToken ct)
    {
        var published = false;
        var state = await PollAsync(containerId, async s =>
        {
            if (s.Up)
                return true;
            if (!published)
            {
                loggers.GetLogger(proxy).LogWarning("The proxy stopped (exit code {Code}); the agent has no way out until it runs again", s.ExitCode);
                await PublishAsync(proxy, KnownResourceStates.Exited, s.ExitCode == 0 ? KnownResourceStateStyles.Warn : KnownResourceStateStyles.Error,
                    exitCode: s.ExitCode, stopped: true);
                published = true;
            }
            return false;
        }, TimeSpan.FromMilliseconds(500), ct);
        if (state is null)
            return false;
        loggers.GetLogger(proxy).LogWarning("The proxy is running again");
        await PublishAsync(proxy, KnownResourceStates.Running, KnownResourceStateStyles.Success, started: true);
        return true;
    }

    private async Task FailAsync(BottleResource bottle, string reason)
    {
        loggers.GetLogger(bottle).LogError("{Reason}", reason);
        await PublishAsync(bottle.Agent, KnownResourceStates.FailedToStart, KnownResourceStateStyles.Error);
        await PublishAsync(bottle.Proxy, KnownResourceStates.FailedToStart, KnownResourceStateStyles.Error);
        await PublishAsync(bottle, KnownResourceStates.FailedToStart, KnownResourceStateStyles.Error);
    }

    /// <summary>Builds what is missing, with the build's output in the agent's console; false when a build failed.</summary>
    private async Task<bool> BuildImagesAsync(BottleResource bottle, IReadOnlyList<ImageRecipe> recipes, CancellationToken ct)
    {
        if (recipes.Count == 0)
            return true;
        var log = loggers.GetLogger(bottle.Agent);
        foreach (var recipe in recipes)
        {
            if (await engine.ImageExistsAsync(recipe.Tag, ct))
                continue;
            await PublishAsync(bottle.Agent, KnownResourceStates.Building, KnownResourceStateStyles.Info);
            using var span = LaunchTracing.Step("image.build", bottle.Name);
            span?.SetTag("image.tag", recipe.Tag);
            try
            {
                await _images.EnsureAsync(recipe, line => log.Log(LogLevel.Information, 0, line, null, static (text, _) => text), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                span.Fail(e.Message);
                await FailAsync(bottle, $"Bottle '{bottle.Name}' failed to start while building image {recipe.Tag}: {e.Message}");
                return false;
            }
        }
        await PublishAsync(bottle.Agent, KnownResourceStates.Waiting, KnownResourceStateStyles.Info);
        return true;
    }

    private static string StateDirectory(InstanceLease lease, BottleResource bottle) => Path.Join(lease.Directory, bottle.Name);

    internal Task PublishAsync(IResource resource, string? state, string? style = null, long? exitCode = null,
        ImmutableArray<ResourcePropertySnapshot>? properties = null, bool started = false, bool stopped = false)
    {
        try
        {
            return notifications.PublishUpdateAsync(resource, s => s with
            {
                State = state is null ? s.State : new ResourceStateSnapshot(state, style),
                ExitCode = exitCode is { } code ? (int)code : started ? null : s.ExitCode,
                StartTimeStamp = started ? DateTime.UtcNow : s.StartTimeStamp,
                StopTimeStamp = stopped ? DateTime.UtcNow : started ? null : s.StopTimeStamp,
                Properties = properties is { } p ? BottleProperties.Merge(s.Properties, p) : s.Properties,
            });
        }
        catch (ObjectDisposedException)
        {
            return Task.CompletedTask; // The app is shutting down; nobody is watching any more.
        }
    }

    private sealed class Progress(BottleOrchestrator owner, BottleResource bottle, BottlePlan plan, ILogger log) : IBottleProgress
    {
        public void Step(string message) => log.LogInformation("{Step}", message);

        public void ProxyCreated(string containerId) =>
            _ = owner.PublishAsync(bottle.Proxy, KnownResourceStates.Starting, KnownResourceStateStyles.Info,
                properties: BottleProperties.ForContainer(containerId, plan.Proxy.Image, [plan.InternalNetwork.Name, plan.EgressNetwork.Name]));

        public void ProxyHealthy() =>
            _ = owner.PublishAsync(bottle.Proxy, KnownResourceStates.Running, KnownResourceStateStyles.Success, started: true);

        public void AgentStarted(string containerId)
        {
        }
    }
}
