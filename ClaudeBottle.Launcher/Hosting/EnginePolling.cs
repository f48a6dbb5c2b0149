using ClaudeBottle.Launcher.Runtime;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>Looking at the engine again and again: a container until it reaches a state, an engine until it answers.</summary>
internal sealed class EnginePolling(IContainerEngine engine)
{
    /// <summary>How long to wait between looks for an engine that went away: 0.5 s, doubling, at most 5 s, for ever.</summary>
    public static IEnumerable<TimeSpan> Backoff()
    {
        for (var delay = TimeSpan.FromMilliseconds(500); ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks)))
            yield return delay;
    }

    /// <summary>
    /// Inspects a container until <paramref name="done"/> says so, and returns that state; null when the container is
    /// gone or <paramref name="ct"/> ends. While the engine does not answer it looks again: the agent's watcher reports that.
    /// </summary>
    public async Task<ContainerState?> PollAsync(string containerId, Func<ContainerState, Task<bool>> done, TimeSpan interval, CancellationToken ct)
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

    /// <summary>Waits, with <see cref="Backoff"/>, until the engine answers; false when <paramref name="ct"/> ends first.</summary>
    public async Task<bool> AwaitEngineAsync(CancellationToken ct)
    {
        foreach (var delay in Backoff())
        {
            try
            {
                await Task.Delay(delay, ct);
                await engine.GetInfoAsync(ct);
                return true;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception)
            {
                // Still away.
            }
        }
        return false; // Not reached: the backoff never ends.
    }
}
