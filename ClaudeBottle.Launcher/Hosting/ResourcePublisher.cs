using System.Collections.Immutable;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Manifest;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>Publishes what the dashboard shows of a bottle and its containers: states, exit codes, times, properties.</summary>
internal sealed class ResourcePublisher(ResourceNotificationService notifications, ResourceLoggerService loggers)
{
    public ILogger Log(IResource resource) => loggers.GetLogger(resource);

    public Task PublishAsync(IResource resource, string? state, string? style = null, long? exitCode = null,
        ImmutableArray<ResourcePropertySnapshot>? properties = null, bool started = false, bool stopped = false)
    {
        try
        {
            return notifications.PublishUpdateAsync(resource, s => s with
            {
                State = state is null ? s.State : new ResourceStateSnapshot(state, style),
                ExitCode = exitCode is { } code ? (int)code : started ? null : s.ExitCode,
                StartTimeStamp = started ? DateTime.UtcNow : s.StartTimeStamp,
                StopTimeStamp = stopped ? DateTime.UtcNow : started ? null : s.StopTimeStamp,
                Properties = properties is { } p ? BottleProperties.Merge(s.Properties, p) : s.Properties,
            });
        }
        catch (ObjectDisposedException)
        {
            return Task.CompletedTask; // The app is shutting down; nobody is watching any more.
        }
    }

    /// <summary>The bottle could not start: the reason in its console, FailedToStart on all three resources.</summary>
    public async Task FailAsync(BottleResource bottle, string reason)
    {
        Log(bottle).LogError("{Reason}", NameRules.Printable(reason)); // A reason may quote a path, or an image build's output.
        await PublishAsync(bottle.Agent, KnownResourceStates.FailedToStart, KnownResourceStateStyles.Error);
        await PublishAsync(bottle.Proxy, KnownResourceStates.FailedToStart, KnownResourceStateStyles.Error);
        await PublishAsync(bottle, KnownResourceStates.FailedToStart, KnownResourceStateStyles.Error);
    }
}
