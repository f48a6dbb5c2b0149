using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>A bottle's start, step by step, in its console and in its proxy's state.</summary>
internal sealed class BottleProgress(ResourcePublisher publisher, BottleResource bottle, BottlePlan plan) : IBottleProgress
{
    public void Step(string message) => publisher.Log(bottle).LogInformation("{Step}", message);

    public Task ProxyCreatedAsync(string containerId) =>
        publisher.PublishAsync(bottle.Proxy, KnownResourceStates.Starting, KnownResourceStateStyles.Info,
            properties: BottleProperties.ForContainer(containerId, plan.Proxy.Image, [plan.InternalNetwork.Name, plan.EgressNetwork.Name]));

    public Task ProxyHealthyAsync() =>
        publisher.PublishAsync(bottle.Proxy, KnownResourceStates.Running, KnownResourceStateStyles.Success, started: true);

    /// <summary>The orchestrator publishes the agent's state itself, with the container's properties.</summary>
    public Task AgentStartedAsync(string containerId) => Task.CompletedTask;
}
