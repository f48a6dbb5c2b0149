using Aspire.Hosting;
using Aspire.Hosting.Eventing;
using Aspire.Hosting.Lifecycle;
using Microsoft.Extensions.Hosting;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// Removes every bottle when the app host stops (Ctrl+C, SIGTERM, the end of a test), as CommunityToolkit's Kind
/// integration removes its cluster: the removal starts when the application starts stopping, alongside Aspire's own
/// shutdown, and disposal waits for it. Disposal alone also covers a SIGTERM that arrives while the app host is still
/// starting, when the host gives up without stopping, but bottles may already exist.
/// </summary>
internal sealed class BottleShutdown(BottleOrchestrator orchestrator, IHostApplicationLifetime lifetime) : IDistributedApplicationEventingSubscriber, IAsyncDisposable
{
    private CancellationTokenRegistration _stopping;

    public Task SubscribeAsync(IDistributedApplicationEventing eventing, DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        // Not awaited here, where it would block the host's stopping thread: ShutdownAsync runs once, and DisposeAsync awaits it.
        _stopping = lifetime.ApplicationStopping.Register(() => orchestrator.ShutdownAsync());
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.DisposeAsync();
        await orchestrator.ShutdownAsync();
    }
}
