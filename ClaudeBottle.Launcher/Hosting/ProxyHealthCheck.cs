using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// The proxy is healthy when its container's own health probe (pipelock's /health) says so. Until the engine first
/// runs that probe it says "starting"; the proxy is only shown as running once the isolation probe had its /health
/// answer, so that counts as healthy. A proxy being removed on purpose is not reported at all: the console should show
/// only what went wrong.
/// </summary>
internal sealed class ProxyHealthCheck(BottleOrchestrator orchestrator, BottleResource bottle) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await orchestrator.ProxyHealthAsync(bottle, cancellationToken) switch
        {
            HealthState.Healthy => HealthCheckResult.Healthy("pipelock /health answers"),
            HealthState.Starting => HealthCheckResult.Healthy("pipelock answered the isolation probe's /health; the engine's own check has not run yet"),
            null => HealthCheckResult.Healthy("the bottle is not running"),
            _ => HealthCheckResult.Unhealthy("pipelock /health does not answer"),
        };
}
