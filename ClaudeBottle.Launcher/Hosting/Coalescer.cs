namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// Runs an action at most once an interval however often it is asked for, and always once more after the last ask:
/// the action reads the state when it runs, so the last state is always the one shown in the end. Used where one
/// agent decides how often something would be published (each of its proxy's decisions).
/// </summary>
internal sealed class Coalescer(TimeSpan interval, Func<Task> action, TimeProvider time)
{
    private readonly Lock _gate = new();
    private bool _pending;
    private long _lastRun = long.MinValue;

    /// <summary>Asks for a run: now when the last was an interval ago, else at the end of the interval. Never waits.</summary>
    public void Signal()
    {
        lock (_gate)
        {
            if (_pending)
                return; // The run already waiting reads the state when it runs, this change included.
            _pending = true;
        }
        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        TimeSpan wait;
        lock (_gate)
            wait = _lastRun == long.MinValue ? TimeSpan.Zero : interval - time.GetElapsedTime(_lastRun);
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, time);
        lock (_gate)
        {
            // Cleared before the action reads the state: a change from now on asks for a run of its own.
            _pending = false;
            _lastRun = time.GetTimestamp();
        }
        try
        {
            await action();
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException)
        {
            // The app is stopping: there is nobody left to show it to.
        }
    }
}
