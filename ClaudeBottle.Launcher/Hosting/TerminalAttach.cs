using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using ClaudeBottle.Launcher.Planning;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// <c>--attach</c>: once the agent runs, this terminal becomes its Claude session (the docker CLI owns the raw TTY,
/// resizes and detach keys), while the dashboard keeps running. When Claude exits the bottle is removed and the app
/// host stops with Claude's exit code.
/// </summary>
internal sealed class TerminalAttach(
    BottleOrchestrator orchestrator,
    ResourceNotificationService notifications,
    IHostApplicationLifetime lifetime,
    IConfiguration configuration,
    ClaudeBottleOptions options,
    AttachOutcome outcome,
    DistributedApplicationModelAccessor model,
    ILogger<TerminalAttach> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.AttachAgent is not { } name || model.Find(name) is not { } bottle)
            return;
        try
        {
            var started = await notifications.WaitForResourceAsync(bottle.Agent.Name,
                e => e.Snapshot.State?.Text is { } s && (s == KnownResourceStates.Running || KnownResourceStates.TerminalStates.Contains(s)), stoppingToken);
            if (started.Snapshot.State?.Text != KnownResourceStates.Running || orchestrator.ContainerName(bottle, agent: true) is not { } container)
            {
                logger.LogError("Cannot attach: bottle {Bottle} did not start (see its console in the dashboard)", name);
                outcome.ExitCode = 1;
                lifetime.StopApplication();
                return;
            }

            await Console.Out.WriteLineAsync($"Attached to Claude in bottle '{name}'. Detach with Ctrl+P Ctrl+Q; the dashboard keeps running.");
            // From here on the terminal is Claude's: the app host's own console logging would write over it.
            configuration["Logging:Console:LogLevel:Default"] = "None";
            using var attach = Process.Start(new ProcessStartInfo("docker", ["attach", container]) { UseShellExecute = false })
                               ?? throw new InvalidOperationException("could not start the docker CLI");

            var ended = await notifications.WaitForResourceAsync(bottle.Name,
                e => e.Snapshot.State?.Text is { } s && KnownResourceStates.TerminalStates.Contains(s), stoppingToken);
            await attach.WaitForExitAsync(stoppingToken).WaitAsync(TimeSpan.FromSeconds(10), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            configuration["Logging:Console:LogLevel:Default"] = null;
            outcome.ExitCode = ended.Snapshot.ExitCode ?? 0;
            await Console.Out.WriteLineAsync($"Claude in bottle '{name}' exited with code {outcome.ExitCode}; the bottle is removed.");
            lifetime.StopApplication();
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception)
        {
            logger.LogError("Cannot attach: the docker CLI is not on PATH ({Reason}); use the agent's attach command in the dashboard instead", e.Message);
        }
    }
}
