using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Telemetry;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// Streams a container's output into its resource's console: a headless agent's stream-json rendered for people, the
/// proxy's decisions recorded as they pass. Every line is shown as <see cref="ConsoleText"/> makes it (cut, escaped):
/// the output is the agent's to write. A proxy that stops is waited for and followed again.
/// </summary>
internal sealed class ContainerLogFollower(IContainerEngine engine, ResourcePublisher publisher, EgressRecorder egress, EnginePolling polling)
{
    /// <summary>
    /// Longest line read whole: a stream-json event (a tool's result) and a pipelock decision (a long URL) are parsed,
    /// so they are read up to a mebibyte; the console is given at most <see cref="LogLineSplitter.DefaultMaxLineBytes"/> of any line.
    /// </summary>
    public const int MaxParsedLineBytes = 1024 * 1024;

    /// <summary>
    /// Follows <paramref name="containerId"/> into <paramref name="resource"/>'s console. <paramref name="edge"/>: the
    /// container is the bottle's edge, whose decisions go with pipelock's to the proxy resource; it is never restarted
    /// (it could not get its secrets again), so its end is reported once.
    /// </summary>
    public async Task FollowAsync(IResource resource, BottleSession session, string containerId, DateTimeOffset? since, CancellationToken ct, bool edge = false)
    {
        var log = publisher.Log(resource);
        var render = resource is BottleAgentResource { Parent.Bottle.IsHeadless: true };
        var proxyOf = (resource as BottleProxyResource)?.Parent;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var line in engine.FollowLogsAsync(containerId, since, MaxParsedLineBytes, ct))
                {
                    var whole = line.CutBytes == 0;
                    // Only the edge says it took a host allowed live; pipelock's lines quote what the agent asked for.
                    if (proxyOf is not null && whole && EgressDecision.TryParse(line.Text) is { } decision && (edge || !decision.Live))
                        egress.Record(proxyOf, session, decision);
                    var level = line.IsError ? LogLevel.Error : LogLevel.Information;
                    var texts = render && whole && !line.IsError ? ClaudeStreamRenderer.Render(line.Text).Select(t => ConsoleText.Of(t)) : [ConsoleText.Of(line)];
                    foreach (var text in texts)
                        log.Log(level, 0, text, null, static (t, _) => t);
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
            if (edge)
            {
                log.LogWarning("The edge proxy stopped: the agent has no way out. Restart the bottle to give it a new edge.");
                return;
            }
            // The proxy stopped while its bottle lives on (a Stop command, or a crash): the agent is cut off until it is
            // back, which the engine does by itself after a crash, and the Start command after a stop.
            since = DateTimeOffset.UtcNow;
            if (!await WaitForProxyAsync(proxy, containerId, ct))
                return;
        }
    }

    /// <summary>Publishes the stopped proxy's state and waits until it runs again; false when it is gone for good.</summary>
    private async Task<bool> WaitForProxyAsync(BottleProxyResource proxy, string containerId, CancellationToken ct)
    {
        var published = false;
        var state = await polling.PollAsync(containerId, async s =>
        {
            if (s.Up)
                return true;
            if (!published)
            {
                publisher.Log(proxy).LogWarning("The proxy stopped (exit code {Code}); the agent has no way out until it runs again", s.ExitCode);
                await publisher.PublishAsync(proxy, KnownResourceStates.Exited, s.ExitCode == 0 ? KnownResourceStateStyles.Warn : KnownResourceStateStyles.Error,
                    exitCode: s.ExitCode, stopped: true);
                published = true;
            }
            return false;
        }, TimeSpan.FromMilliseconds(500), ct);
        if (state is null)
            return false;
        // State first: whoever reads "running again" finds the proxy Running.
        await publisher.PublishAsync(proxy, KnownResourceStates.Running, KnownResourceStateStyles.Success, started: true);
        publisher.Log(proxy).LogWarning("The proxy is running again");
        return true;
    }
}
