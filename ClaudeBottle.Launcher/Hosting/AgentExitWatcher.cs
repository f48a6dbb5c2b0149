using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// Waits for a bottle's agent to exit, and reports it: the exit code as the agent's final state. An engine that goes
/// away meanwhile is reported and waited for, then the agent's fate is read.
/// </summary>
internal sealed class AgentExitWatcher(IContainerEngine engine, ResourcePublisher publisher, ILogger<AgentExitWatcher> logger)
{
    /// <summary>
    /// The agent's exit code; null when <paramref name="ct"/> ended first (the bottle is being removed anyway).
    /// <paramref name="resumed"/> is called when a lost engine is back and the agent still runs: its output must be
    /// followed again.
    /// </summary>
    public async Task<long?> WatchAsync(BottleResource bottle, string agentId, Action resumed, CancellationToken ct)
    {
        long code;
        while (true)
        {
            try
            {
                code = await engine.WaitContainerAsync(agentId, ct);
                break;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception e)
            {
                // The engine went away (restarted, crashed, unreachable): say so, and find out what became of the agent.
                if (await AwaitEngineAsync(bottle, agentId, e, ct) is not { } state)
                    return null;
                if (state.Running)
                {
                    resumed();
                    continue;
                }
                code = state.ExitCode;
                break;
            }
        }
        publisher.Log(bottle.Agent).LogInformation("Agent exited with code {Code}", code);
        await publisher.PublishAsync(bottle.Agent, KnownResourceStates.Exited, code == 0 ? KnownResourceStateStyles.Success : KnownResourceStateStyles.Error,
            exitCode: code, stopped: true);
        return code;
    }

    /// <summary>
    /// Reports the engine lost, then waits for it to answer again: the agent's state then, or null when the bottle is
    /// being removed anyway. An agent that is gone is reported as exited with code -1.
    /// </summary>
    private async Task<ContainerState?> AwaitEngineAsync(BottleResource bottle, string agentId, Exception lost, CancellationToken ct)
    {
        logger.LogWarning("Lost the container engine while bottle {Bottle} runs ({Reason}); waiting for it to come back", bottle.Name, lost.Message);
        publisher.Log(bottle).LogWarning("The container engine stopped answering ({Reason}); waiting for it to come back", lost.Message);
        await publisher.PublishAsync(bottle, KnownResourceStates.RuntimeUnhealthy, KnownResourceStateStyles.Error);
        await publisher.PublishAsync(bottle.Agent, KnownResourceStates.RuntimeUnhealthy, KnownResourceStateStyles.Error);
        foreach (var delay in EnginePolling.Backoff())
        {
            try
            {
                await Task.Delay(delay, ct);
                var state = await engine.InspectContainerAsync(agentId, ct) ?? new ContainerState(false, -1, HealthState.None, "removed", null);
                logger.LogWarning("The container engine answers again; bottle {Bottle}'s agent is {Status}", bottle.Name, state.Running ? "running" : $"exited ({state.ExitCode})");
                publisher.Log(bottle).LogWarning("The container engine answers again; the agent is {Status}", state.Running ? "running" : $"exited with code {state.ExitCode}");
                if (state.Running)
                {
                    await publisher.PublishAsync(bottle.Agent, KnownResourceStates.Running, KnownResourceStateStyles.Success);
                    await publisher.PublishAsync(bottle, KnownResourceStates.Running, KnownResourceStateStyles.Success);
                }
                return state;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // Still gone.
            }
        }
        return null; // Not reached: the backoff never ends.
    }
}
