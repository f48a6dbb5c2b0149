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
    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with System.CommandLine's messages.</summary>
    public static LaunchOptions Parse(IReadOnlyList<string> args) => From(LaunchSwitches.Parse(args));

    public static LaunchOptions From(ParseResult result)
    {
        if (result.Errors.Count > 0)
            throw new ArgumentException(string.Join(Environment.NewLine, result.Errors.Select(e => e.Message)));
        return new LaunchOptions(
            result.GetValue(LaunchSwitches.Check),
            result.GetValue(LaunchSwitches.Manifest)!,
            [.. result.GetValue(LaunchSwitches.Agent) ?? []],
            result.GetValue(LaunchSwitches.Yes),
            [.. result.UnmatchedTokens],
            result.GetValue(LaunchSwitches.Attach));
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
        .. Agents.Select((agent, i) => $"--ClaudeBottle:Agents:{i}={agent}"),
    ];
}
