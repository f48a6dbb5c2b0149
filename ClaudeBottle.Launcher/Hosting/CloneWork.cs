using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>An agent's work brought back from its clone on the dashboard's command, and what came back shown.</summary>
internal sealed class CloneWork(BottleRunner runner, ResourcePublisher publisher)
{
    /// <summary>Brings the running agent's work back now; a reason when it cannot.</summary>
    public async Task<string?> BringBackAsync(BottleResource bottle, BottleInstance? instance, CancellationToken ct)
    {
        if (instance?.Clone is not { BaseCommit: not null })
            return "the agent is not running on a clone of its workspace";
        try
        {
            await PublishAsync(bottle, await runner.Clones.BringBackAsync(instance, ct));
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var reason = $"could not bring back the agent's work: {NameRules.Printable(e.Message)}";
            publisher.Log(bottle).LogError("{Reason}", reason);
            return reason;
        }
    }

    /// <summary>What the last bring-back did, in the bottle's console and the agent's properties; nothing when there was none.</summary>
    public async Task PublishAsync(BottleResource bottle, CloneResult? result)
    {
        if (result is null)
            return;
        if (result.Failure is null)
            publisher.Log(bottle).LogInformation("The agent's work is back: {Result}", NameRules.Printable(result.ToString()));
        else
            publisher.Log(bottle).LogError("{Result}. {Recovery}", NameRules.Printable(result.ToString()),
                NameRules.Printable(result.Recovery ?? ""));
        await publisher.PublishAsync(bottle.Agent, state: null, properties: BottleProperties.ForClone(null, result));
    }
}
