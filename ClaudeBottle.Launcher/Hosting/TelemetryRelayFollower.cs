using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Telemetry;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// Relays what Claude exported to its bottle's sink as the agent's telemetry, until the bottle ends. A sink that died
/// (a flood can exhaust its memory) is restarted by the engine, and followed again; one that cannot run at all (an
/// image without Node or the sink's script) is stopped after three restarts, with the reason.
/// </summary>
internal sealed class TelemetryRelayFollower(IContainerEngine engine, ResourcePublisher publisher, EnginePolling polling, OtlpRelay relay,
    ILogger<TelemetryRelayFollower> logger)
{
    public async Task RelayAsync(BottleResource bottle, string sinkId, CancellationToken ct)
    {
        var source = new TelemetrySource(bottle.Agent.Name, bottle.Name);
        var log = publisher.Log(bottle.Agent);
        var rejected = 0;
        DateTimeOffset? since = null;
        // The restart count when the sink began to fail: its creation, until it has stayed up a while. Counted from when
        // it was first seen failing, a sink the engine had already restarted many times (following begins only once the
        // bottle runs, seconds later under load) would wait out the engine's doubling back-off for three more.
        long? failingSince = 0;
        while (!ct.IsCancellationRequested)
        {
            var followed = DateTimeOffset.UtcNow;
            try
            {
                await foreach (var line in engine.FollowLogsAsync(sinkId, since, OtlpRelay.MaxLineLength, ct))
                {
                    if (line.IsError)
                        log.LogWarning("telemetry sink: {Line}", ConsoleText.Of(line)); // Node's own complaints.
                    else if ((line.CutBytes > 0 || !relay.Forward(source, line.Text)) && rejected++ == 0)
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
                await StopFailingSinkAsync(bottle, sinkId, state, ct);
            return;
        }
    }

    private async Task StopFailingSinkAsync(BottleResource bottle, string sinkId, ContainerState state, CancellationToken ct)
    {
        publisher.Log(bottle.Agent).LogError("The telemetry sink keeps failing (exit code {Code}), so it is stopped and this bottle's Claude telemetry is off. " +
                                             "Its image must carry Node and {Script}, as the one built from docker/sink does.", state.ExitCode, TelemetrySink.Script);
        try
        {
            await engine.StopContainerAsync(sinkId, TimeSpan.Zero, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Could not stop the telemetry sink of bottle {Bottle}: {Reason}", bottle.Name, e.Message);
        }
    }

    /// <summary>
    /// Waits until the sink is up again: (true, state); (false, state) when it keeps failing (its restart count three
    /// above <paramref name="restarts"/>, or above now's); (false, null) when it is gone or the bottle ends.
    /// </summary>
    private async Task<(bool Up, ContainerState? State)> WaitForSinkAsync(string containerId, long? restarts, CancellationToken ct)
    {
        bool Failing(ContainerState s) => s.RestartCount >= (restarts ??= s.RestartCount) + 3;
        var state = await polling.PollAsync(containerId, s => Task.FromResult(Failing(s) || s.Up), TimeSpan.FromMilliseconds(250), ct);
        return state is null ? (false, null) : (!Failing(state), state);
    }
}
