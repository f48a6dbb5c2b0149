using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>The proxy is healthy when its container's own health probe (pipelock's /health) says so.</summary>
internal sealed class ProxyHealthCheck(BottleOrchestrator orchestrator, BottleResource bottle) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await orchestrator.ProxyHealthAsync(bottle, cancellationToken) switch
        {
            HealthState.Healthy => HealthCheckResult.Healthy("pipelock /health answers"),
            HealthState.Starting => HealthCheckResult.Degraded("pipelock is starting"),
            _ => HealthCheckResult.Unhealthy("pipelock /health does not answer"),
        };
}
