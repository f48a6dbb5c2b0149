using System.CommandLine;
using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Cli;

/// <summary>
/// claude-bottle's own switches, declared for System.CommandLine (which gives help, errors and completion); every
/// other token is left for Aspire, in order.
/// </summary>
public static class LaunchSwitches
{
    public static readonly Option<string> Manifest = new("--manifest")
    {
        Description = "The manifest to run",
        HelpName = "PATH",
        DefaultValueFactory = _ => ManifestLoader.DefaultFileName,
    };

    public static readonly Option<bool> Check = new("--check") { Description = "Validate the manifest, print each bottle's plan, start nothing" };

    public static readonly Option<string[]> Agent = new("--agent")
    {
        Description = "Start only this agent (repeatable); the others can be started from the dashboard",
        HelpName = "NAME",
    };

    public static readonly Option<bool> Yes = new("--yes", "-y") { Description = "Approve every bottle's plan without asking" };

    public static readonly Option<bool> Attach = new("--attach")
    {
        Description = "With one --agent: make this terminal that agent's Claude session; when Claude exits, its bottle is " +
                      "removed and the app host exits with Claude's exit code",
    };

    public static readonly Option<bool> Resume = new("--resume")
    {
        Description = "Keep each started agent's Claude state between runs and continue its last conversation " +
                      "(as \"resume\": true in the manifest does)",
    };

    public static readonly Option<bool> Fresh = new("--fresh")
    {
        Description = "Start each started agent's conversation anew: its kept state is emptied first, and this run's is kept",
    };

    public static readonly Option<bool> ListState = new("--list-state")
    {
        Description = "List the agents' kept conversations (state volumes) on the engine, start nothing",
    };

    public static readonly Option<string[]> RemoveState = new("--remove-state")
    {
        Description = "Remove this agent's kept conversation for the manifest (repeatable), start nothing",
        HelpName = "AGENT",
    };

    static LaunchSwitches()
    {
        RemoveState.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.StartsWith('-')))
                result.AddError($"--remove-state needs an agent's name, not '{token.Value}'; e.g. --remove-state reviewer");
        });
        // "--agent --yes" would otherwise take "--yes" for an agent's name.
        Agent.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.StartsWith('-')))
                result.AddError($"--agent needs an agent's name, not '{token.Value}'; e.g. --agent reviewer");
        });
        Manifest.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.StartsWith('-') || t.Value.Length == 0))
                result.AddError($"--manifest needs a path, not '{token.Value}'; e.g. --manifest ./claude-bottle.json");
        });
    }

    /// <summary>A new command each time: System.CommandLine's commands hold their parse state.</summary>
    public static RootCommand Command()
    {
        var command = new RootCommand("Runs the agents of a claude-bottle manifest, each in its own bottle, under Aspire. " +
                                      "Other options (--ClaudeBottle:Key=value, Aspire's own) are passed to Aspire.")
        {
            Manifest, Check, Agent, Yes, Attach, Resume, Fresh, ListState, RemoveState,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        return command;
    }

    /// <summary>Parses <paramref name="args"/>; response files are not read, since Aspire's arguments may start with '@'.</summary>
    public static ParseResult Parse(IReadOnlyList<string> args) =>
        Command().Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
}
