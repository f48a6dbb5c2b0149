using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Telemetry;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// Streams a container's output into its resource's console: a headless agent's stream-json rendered for people, the
/// proxy's decisions recorded as they pass. A proxy that stops is waited for and followed again.
/// </summary>
internal sealed class ContainerLogFollower(IContainerEngine engine, ResourcePublisher publisher, EgressRecorder egress, EnginePolling polling)
{
    public async Task FollowAsync(IResource resource, BottleSession session, string containerId, DateTimeOffset? since, CancellationToken ct)
    {
        var log = publisher.Log(resource);
        var render = resource is BottleAgentResource { Parent.Bottle.IsHeadless: true };
        var proxyOf = (resource as BottleProxyResource)?.Parent;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var line in engine.FollowLogsAsync(containerId, since, ct))
                {
                    if (proxyOf is not null && EgressDecision.TryParse(line.Text) is { } decision)
                        await egress.RecordAsync(proxyOf, session, decision);
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
        publisher.Log(proxy).LogWarning("The proxy is running again");
        await publisher.PublishAsync(proxy, KnownResourceStates.Running, KnownResourceStateStyles.Success, started: true);
        return true;
    }
}
