using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using ClaudeBottle.Launcher.Resolution;
using Microsoft.Extensions.DependencyInjection;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>The dashboard's commands on a bottle, its agent and its proxy.</summary>
internal static class BottleCommands
{
    public const string AttachCommand = "claude-bottle-attach";
    public const string BringBackCommand = "claude-bottle-bring-back";

    private static BottleOrchestrator Orchestrator(ExecuteCommandContext context) => context.Services.GetRequiredService<BottleOrchestrator>();

    /// <summary>Start, Stop and Restart act on the whole bottle: an agent and its proxy live and go together.</summary>
    public static void AddLifecycle<T>(IResourceBuilder<T> builder, BottleResource bottle) where T : IResource
    {
        builder.WithCommand(KnownResourceCommands.StartCommand, "Start", async context =>
        {
            await Orchestrator(context).StartAsync(bottle, context.CancellationToken);
            return CommandResults.Success();
        }, new CommandOptions { IconName = "Play", IsHighlighted = true, UpdateState = c => Enabled(BottleStates.CanStart(c.ResourceSnapshot)) });

        builder.WithCommand(KnownResourceCommands.StopCommand, "Stop", async context =>
        {
            await Orchestrator(context).StopAsync(bottle, exitCode: null, context.CancellationToken);
            return CommandResults.Success();
        }, new CommandOptions { IconName = "Stop", IsHighlighted = true, UpdateState = c => Enabled(BottleStates.CanStop(c.ResourceSnapshot)) });

        builder.WithCommand(KnownResourceCommands.RestartCommand, "Restart", async context =>
        {
            await Orchestrator(context).RestartAsync(bottle, context.CancellationToken);
            return CommandResults.Success();
        }, new CommandOptions { IconName = "ArrowCounterclockwise", UpdateState = c => Enabled(BottleStates.IsRunning(c.ResourceSnapshot)) });
    }

    /// <summary>
    /// Resume (keep the agent's Claude state and continue its last conversation) and Start fresh (empty it first): the
    /// bottle is started so, or restarted when it runs. Later starts of the bottle resume.
    /// </summary>
    public static void AddConversation(IResourceBuilder<BottleResource> builder, BottleResource bottle)
    {
        builder.WithCommand("claude-bottle-resume", "Resume", context => StartWith(context, bottle, ConversationMode.Resume),
            new CommandOptions { IconName = "History", Description = "Starts the agent continuing its last kept conversation (restarts it when it runs)",
                UpdateState = c => Enabled(BottleStates.CanStart(c.ResourceSnapshot) || BottleStates.IsRunning(c.ResourceSnapshot)) });
        builder.WithCommand("claude-bottle-fresh", "Start fresh", context => StartWith(context, bottle, ConversationMode.Fresh),
            new CommandOptions { IconName = "ArrowReset", Description = "Empties the agent's kept conversation and starts it anew (restarts it when it runs)",
                ConfirmationMessage = $"Empty the kept conversation of agent '{bottle.Name}' and start it anew? Its sessions, history and todos are removed.",
                UpdateState = c => Enabled(BottleStates.CanStart(c.ResourceSnapshot) || BottleStates.IsRunning(c.ResourceSnapshot)) });
    }

    private static async Task<ExecuteCommandResult> StartWith(ExecuteCommandContext context, BottleResource bottle, ConversationMode mode)
    {
        bottle.Bottle = bottle.Bottle.WithConversation(mode);
        if (context.Services.GetRequiredService<ResourceNotificationService>().TryGetCurrentState(bottle.Name, out var current)
            && BottleStates.IsRunning(current.Snapshot))
            await Orchestrator(context).RestartAsync(bottle, context.CancellationToken);
        else
            await Orchestrator(context).StartAsync(bottle, context.CancellationToken);
        return CommandResults.Success();
    }

    /// <summary>The exact commands that open a shell in the agent, or attach a terminal to Claude.</summary>
    public static void AddAttach(IResourceBuilder<BottleAgentResource> builder, BottleResource bottle) =>
        builder.WithCommand(AttachCommand, "Shell / attach command", context =>
        {
            if (Orchestrator(context).ContainerName(bottle, agent: true) is not { } name)
                return Task.FromResult(CommandResults.Failure("The agent is not running."));
            var host = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } h ? $"DOCKER_HOST={h} " : "";
            var text = $"""
                Open a shell in the agent:

                    {host}docker exec -it {name} bash

                Attach a terminal to Claude (detach with Ctrl+P Ctrl+Q; the agent keeps running):

                    {host}docker attach {name}
                """;
            return Task.FromResult(CommandResults.Success($"{host}docker exec -it {name} bash",
                new CommandResultData { Value = text, Format = CommandResultFormat.Markdown, DisplayImmediately = true }));
        }, new CommandOptions { IconName = "WindowConsole", Description = "Shows the command that opens a shell in the agent or attaches to Claude",
            UpdateState = c => Enabled(BottleStates.IsRunning(c.ResourceSnapshot)) });

    /// <summary>Brings the running agent's work back from its clone: its commits as its branch, the rest as the -uncommitted one.</summary>
    public static void AddBringBack(IResourceBuilder<BottleAgentResource> builder, BottleResource bottle) =>
        builder.WithCommand(BringBackCommand, "Bring back work", async context =>
            await context.Services.GetRequiredService<CloneWork>().BringBackAsync(bottle, Orchestrator(context).Session(bottle)?.Instance, context.CancellationToken) is { } problem
                ? CommandResults.Failure(problem) : CommandResults.Success(),
            new CommandOptions { IconName = "ArrowDownload", Description = "Brings the agent's commits back to the repository as its branch, and its uncommitted changes as the branch's -uncommitted twin",
                UpdateState = c => Enabled(bottle.Bottle.WorkspaceClone is not null && BottleStates.IsRunning(c.ResourceSnapshot)) });

    /// <summary>Stop and Start of the proxy alone: while it is stopped the agent has no way out at all.</summary>
    public static void AddProxy(IResourceBuilder<BottleProxyResource> builder, BottleResource bottle)
    {
        builder.WithCommand(KnownResourceCommands.StopCommand, "Stop", async context =>
            await Orchestrator(context).SetProxyRunningAsync(bottle, running: false, context.CancellationToken) is { } problem
                ? CommandResults.Failure(problem) : CommandResults.Success(),
            new CommandOptions { IconName = "Stop", IsHighlighted = true, UpdateState = c => Enabled(BottleStates.IsRunning(c.ResourceSnapshot)) });

        builder.WithCommand(KnownResourceCommands.StartCommand, "Start", async context =>
            await Orchestrator(context).SetProxyRunningAsync(bottle, running: true, context.CancellationToken) is { } problem
                ? CommandResults.Failure(problem) : CommandResults.Success(),
            new CommandOptions { IconName = "Play", IsHighlighted = true, UpdateState = c => Enabled(c.ResourceSnapshot.State?.Text == KnownResourceStates.Exited) });
    }

    private static ResourceCommandState Enabled(bool enabled) => enabled ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;
}
