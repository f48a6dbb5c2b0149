using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// Once per run, before the first bottle: the engine answers (its version and any advisory are logged), this run's
/// lease is taken, and what dead runs left behind is reaped.
/// </summary>
internal sealed class EngineReadiness(IContainerEngine engine, ClaudeBottleOptions options, ILogger<EngineReadiness> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private InstanceLease? _lease;

    /// <summary>This run's lease; throws with the engine's complaint when it is not usable.</summary>
    public async Task<InstanceLease> EnsureAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_lease is not null)
                return _lease;
            var info = await engine.GetInfoAsync(ct);
            logger.LogInformation("Container engine {Version} (API {Api}, {Os})", info.Version, info.ApiVersion, info.OperatingSystem);
            if (EngineAdvisories.DnsLeak(info.Version) is { } advisory)
                logger.LogWarning("{Advisory}", advisory);
            var lease = InstanceLease.Acquire(options.StateRoot is { Length: > 0 } root ? root : null);
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
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _lease?.Dispose();
        _gate.Dispose();
    }
}
