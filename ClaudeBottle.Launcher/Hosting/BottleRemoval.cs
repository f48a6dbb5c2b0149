using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// Removes a bottle from the engine. A removal the engine did not answer (it is restarting, say) is finished when it
/// answers again, in the background; at shutdown there is no waiting, and the next start's reaper finishes it.
/// </summary>
internal sealed class BottleRemoval(BottleRunner runner, EnginePolling polling, BackgroundWork background, ILogger<BottleRemoval> logger)
{
    public async Task RemoveAsync(BottleInstance instance, CancellationToken stopping)
    {
        if (await runner.RemoveAsync(instance, CancellationToken.None))
            return;
        logger.LogWarning("Could not remove all of bottle {Bottle}; retrying when the container engine answers", instance.Name);
        if (stopping.IsCancellationRequested)
            return;
        background.Run($"finishing the removal of bottle {instance.Name}", async () =>
        {
            while (await polling.AwaitEngineAsync(stopping))
            {
                if (await runner.RemoveAsync(instance, CancellationToken.None))
                {
                    logger.LogInformation("Finished removing bottle {Bottle}", instance.Name);
                    return;
                }
            }
        });
    }
}
