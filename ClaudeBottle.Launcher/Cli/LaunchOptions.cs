using System.Collections.Immutable;
using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Cli;

/// <summary>claude-bottle's own command-line switches; everything else is left for Aspire.</summary>
public sealed record LaunchOptions(
    bool Check,
    bool Help,
    string ManifestPath,
    ImmutableArray<string> Agents,
    bool Yes,
    ImmutableArray<string> AspireArgs,
    bool Attach = false)
{
    public const string Usage = """
        Usage: dotnet run --project ClaudeBottle.AppHost -- [options] [Aspire options]

          --manifest PATH   the manifest to run (default: ./claude-bottle.json)
          --check           validate the manifest, print each bottle's plan, start nothing
          --agent NAME      start only this agent (repeatable); the others can be started from the dashboard
          --yes             approve every bottle's plan without asking
          --attach          with one --agent: make this terminal that agent's Claude session; when Claude
                            exits, its bottle is removed and the app host exits with Claude's exit code
          --help            show this text
        """;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with a usable message.</summary>
    public static LaunchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LaunchOptions(false, false, ManifestLoader.DefaultFileName, [], false, []);
        var agents = ImmutableArray.CreateBuilder<string>();
        var rest = ImmutableArray.CreateBuilder<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inlineValue) = Split(args[i]);
            if (inlineValue is not null && name is "--check" or "--yes" or "--help" or "--attach")
                throw new ArgumentException($"{name} takes no value (got '{args[i]}')");
            switch (name)
            {
                case "--check": options = options with { Check = true }; break;
                case "--yes" or "-y": options = options with { Yes = true }; break;
                case "--attach": options = options with { Attach = true }; break;
                case "--help" or "-h" or "-?": options = options with { Help = true }; break;
                case "--manifest": options = options with { ManifestPath = Value(args, ref i, name, inlineValue) }; break;
                case "--agent": agents.Add(Value(args, ref i, name, inlineValue)); break;
                default: rest.Add(args[i]); break;
            }
        }
        return options with { Agents = agents.ToImmutable(), AspireArgs = rest.ToImmutable() };
    }

    private static (string Name, string? Value) Split(string arg)
    {
        if (!arg.StartsWith("--", StringComparison.Ordinal))
            return (arg, null);
        var eq = arg.IndexOf('=');
        return eq < 0 ? (arg, null) : (arg[..eq], arg[(eq + 1)..]);
    }

    private static string Value(IReadOnlyList<string> args, ref int i, string name, string? inlineValue)
    {
        if (inlineValue is not null)
            return inlineValue.Length > 0 ? inlineValue : throw new ArgumentException($"{name} needs a value");
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            throw new ArgumentException($"{name} needs a value, e.g. {name} {(name == "--agent" ? "reviewer" : "./claude-bottle.json")}");
        return args[++i];
    }
}
