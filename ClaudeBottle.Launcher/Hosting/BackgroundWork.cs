using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// Every task the app host runs beside a request (following logs, watching an agent, relaying telemetry) is tracked
/// here: none is forgotten, one that fails unexpectedly is logged, and shutdown waits for all of them to end.
/// </summary>
internal sealed class BackgroundWork(ILogger<BackgroundWork> logger)
{
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _running = [];

    /// <summary>Starts <paramref name="work"/> and keeps track of it until it ends.</summary>
    public void Run(string what, Func<Task> work) => _ = Start(what, work);

    /// <summary>As <see cref="Run"/>, for a caller that waits for it too: the task never faults.</summary>
    public Task Start(string what, Func<Task> work)
    {
        var task = Task.Run(async () =>
        {
            try
            {
                await work();
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                logger.LogError(e, "{What} failed unexpectedly", what);
            }
        });
        lock (_gate)
            _running.Add(task);
        task.ContinueWith(t =>
        {
            lock (_gate)
                _running.Remove(t);
        }, TaskScheduler.Default);
        return task;
    }

    /// <summary>Waits until every tracked task has ended (they end when the bottles they serve are stopped), at most <paramref name="limit"/>.</summary>
    public async Task DrainAsync(TimeSpan limit)
    {
        Task[] running;
        lock (_gate)
            running = [.. _running];
        await Task.WhenAll(running).WaitAsync(limit).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
