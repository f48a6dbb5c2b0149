using ClaudeBottle.ServiceDefaults;
using Microsoft.Extensions.Hosting;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// The bottles' part in the host's own start and stop. As the host starts, bottles approved in advance begin (see
/// <see cref="BottleHeadStart"/>). When it stops (Ctrl+C, SIGTERM, the end of a test) every bottle is removed: as a
/// hosted service registered after Aspire's own, this one is stopped first and the host awaits the removal; disposal
/// also covers a SIGTERM that arrives while the app host is still starting, when the host gives up without stopping
/// but bottles may exist. Measured: started from <c>ApplicationStopping</c> instead (not awaited there, since blocking
/// that thread floods the dashboard with reconnects), the removal ran alongside Aspire's shutdown and left containers
/// behind under load.
/// </summary>
internal sealed class BottleLifecycle(BottleOrchestrator orchestrator, DistributedApplicationModelAccessor model, IServiceProvider services)
    : IHostedLifecycleService, IAsyncDisposable
{
    /// <summary>
    /// The first thing the host does: bottles approved in advance begin while Aspire's orchestrator and dashboard
    /// start (about a second), instead of after.
    /// </summary>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        // The launch spans of these early starts must not be made before anyone exports them.
        services.StartTraceExport();
        orchestrator.BeginEarly(model.Bottles);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => orchestrator.ShutdownAsync();

    public async ValueTask DisposeAsync() => await orchestrator.ShutdownAsync();
}
