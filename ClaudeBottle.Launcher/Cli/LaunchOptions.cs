using System.Collections.Immutable;
using System.CommandLine;

namespace ClaudeBottle.Launcher.Cli;

/// <summary>The values of claude-bottle's own switches (<see cref="LaunchSwitches"/>); everything else is left for Aspire.</summary>
public sealed record LaunchOptions(
    bool Check,
    string ManifestPath,
    ImmutableArray<string> Agents,
    bool Yes,
    ImmutableArray<string> AspireArgs,
    bool Attach = false)
{
    /// <summary>What <c>--resume</c> or <c>--fresh</c> asks of every agent started at launch; null when neither is given.</summary>
    public Resolution.ConversationMode? Conversation { get; init; }

    /// <summary><c>--list-state</c>: list the kept conversations and start nothing.</summary>
    public bool ListState { get; init; }

    /// <summary><c>--remove-state</c>: the agents whose kept conversation to remove (start nothing).</summary>
    public ImmutableArray<string> RemoveState { get; init; } = [];

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with System.CommandLine's messages.</summary>
    public static LaunchOptions Parse(IReadOnlyList<string> args) => From(LaunchSwitches.Parse(args));

    public static LaunchOptions From(ParseResult result)
    {
        if (result.Errors.Count > 0)
            throw new ArgumentException(string.Join(Environment.NewLine, result.Errors.Select(e => e.Message)));
        if (result.GetValue(LaunchSwitches.Resume) && result.GetValue(LaunchSwitches.Fresh))
            throw new ArgumentException("--resume and --fresh contradict each other; give one: --resume continues the last conversation, --fresh starts anew");
        return new LaunchOptions(
            result.GetValue(LaunchSwitches.Check),
            result.GetValue(LaunchSwitches.Manifest)!,
            [.. result.GetValue(LaunchSwitches.Agent) ?? []],
            result.GetValue(LaunchSwitches.Yes),
            [.. result.UnmatchedTokens],
            result.GetValue(LaunchSwitches.Attach))
        {
            Conversation = result.GetValue(LaunchSwitches.Fresh) ? Resolution.ConversationMode.Fresh
                : result.GetValue(LaunchSwitches.Resume) ? Resolution.ConversationMode.Resume : null,
            ListState = result.GetValue(LaunchSwitches.ListState),
            RemoveState = [.. result.GetValue(LaunchSwitches.RemoveState) ?? []],
        };
    }

    /// <summary>
    /// What Aspire is given: its own arguments, then these switches as <c>ClaudeBottle</c> configuration keys, which
    /// <c>AddClaudeBottles</c> binds.
    /// </summary>
    public IReadOnlyList<string> ToAspireArguments() =>
    [
        .. AspireArgs,
        .. Yes ? ["--ClaudeBottle:AutoApprove=true"] : Array.Empty<string>(),
        .. Attach ? ["--ClaudeBottle:Attach=true"] : Array.Empty<string>(),
        .. Conversation is { } mode ? [$"--ClaudeBottle:Conversation={mode}"] : Array.Empty<string>(),
        .. Agents.Select((agent, i) => $"--ClaudeBottle:Agents:{i}={agent}"),
    ];
}
