using System.Collections.Concurrent;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Runtime;
using ClaudeBottle.Launcher.Telemetry;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// For plans approved in advance (<c>--yes</c>): a bottle's containers are made while Aspire itself is still
/// starting, and the orchestrator takes them over when Aspire initialises the bottle. Nothing is published to the
/// dashboard before then; a bottle whose images must first be built is left to the ordinary start, which shows the build.
/// </summary>
internal sealed class BottleHeadStart(IContainerEngine engine, BottleRunner runner, ClaudeBottleOptions options, EngineReadiness readiness,
    BottlePlanner planner, ResourcePublisher publisher, ILogger<BottleHeadStart> logger)
{
    /// <summary>What a head start made: the bottle, or why it failed; null when it left the start to the ordinary path.</summary>
    internal sealed record Outcome(PlannedBottle Planned, BottleInstance? Instance, string? Failure);

    private readonly ConcurrentDictionary<string, Task<Outcome?>> _starts = new();

    /// <summary>Begins the bottles that start at launch, if every plan is approved in advance.</summary>
    public void Begin(IEnumerable<BottleResource> bottles, CancellationToken stopping)
    {
        if (!options.AutoApprove)
            return;
        foreach (var bottle in bottles.Where(b => options.StartsAtLaunch(b.Name)))
            _starts[bottle.Name] = Task.Run(() => StartAsync(bottle, stopping), CancellationToken.None);
    }

    /// <summary>The head start of <paramref name="bottle"/>, once; null when there is none.</summary>
    public async Task<Outcome?> TakeAsync(string bottle) =>
        _starts.TryRemove(bottle, out var start) ? await start : null;

    /// <summary>At shutdown: what head starts made that nobody took over, to be removed.</summary>
    public async Task<IReadOnlyList<BottleInstance>> AbandonAsync()
    {
        var left = new List<BottleInstance>();
        foreach (var name in _starts.Keys.ToList())
            if (await TakeAsync(name) is { Instance: { } instance })
                left.Add(instance);
        return left;
    }

    private async Task<Outcome?> StartAsync(BottleResource bottle, CancellationToken stopping)
    {
        try
        {
            var lease = await readiness.EnsureAsync(stopping);
            using var launch = LaunchTracing.Step("bottle.start", bottle.Name, root: true);
            var planned = planner.Plan(bottle, lease, launch);
            foreach (var build in planned.Builds)
                if (!await engine.ImageExistsAsync(build.Tag, stopping))
                    return null;
            var log = publisher.Log(bottle);
            try
            {
                var instance = await runner.StartAsync(planned.Plan, planned.StateDirectory, new QuietProgress(log), stopping);
                return new Outcome(planned, instance, null);
            }
            catch (BottleStartException e)
            {
                launch.Fail(e.Message);
                return new Outcome(planned, null, e.Message);
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (Exception e)
        {
            // The ordinary start will meet the same problem and report it where the person is looking.
            logger.LogDebug(e, "The head start of bottle {Bottle} gave way to the ordinary start", bottle.Name);
            return null;
        }
    }

    /// <summary>Steps in the bottle's console; states wait until Aspire has initialised the resources.</summary>
    private sealed class QuietProgress(ILogger log) : IBottleProgress
    {
        public void Step(string message) => log.LogInformation("{Step}", message);

        public Task ProxyCreatedAsync(string containerId) => Task.CompletedTask;

        public Task ProxyHealthyAsync() => Task.CompletedTask;

        public Task AgentStartedAsync(string containerId) => Task.CompletedTask;
    }
}
