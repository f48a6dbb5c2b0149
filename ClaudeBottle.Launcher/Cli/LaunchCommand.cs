using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;
using Microsoft.Extensions.Configuration;

namespace ClaudeBottle.Launcher.Cli;

/// <summary>
/// The app host's command line, before Aspire starts: help, errors in the switches, <c>--check</c>, an invalid
/// manifest or setting, and a refused <c>--attach</c> all end here, before the dashboard or any container starts.
/// </summary>
public static class LaunchCommand
{
    /// <summary>
    /// Reads <paramref name="args"/>; <paramref name="terminal"/> is the person at the terminal, for
    /// <c>--attach</c>'s question (null when standard input is not a terminal).
    /// </summary>
    public static LaunchDecision Prepare(IReadOnlyList<string> args, TextWriter output, TextWriter errors, TextReader? terminal,
        Func<string, string?> environment)
    {
        var parsed = LaunchSwitches.Parse(args);
        // --help, --version, and System.CommandLine's completion directive act and end the launch.
        if (parsed.Errors.Count == 0 && parsed.Action is not null)
        {
            parsed.Invoke(new System.CommandLine.InvocationConfiguration { Output = output, Error = errors });
            return LaunchDecision.Exit(0);
        }
        LaunchOptions options;
        try
        {
            options = LaunchOptions.From(parsed);
        }
        catch (ArgumentException e)
        {
            errors.WriteLine($"{e.Message}{Environment.NewLine}Run with --help to see the options.");
            return LaunchDecision.Exit(2);
        }
        // The settings Aspire will bind, read the same way, so that a bad one stops here rather than mid-start.
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine([.. options.AspireArgs]).Build();
        var settings = configuration.GetSection(ClaudeBottleOptions.Section).Get<ClaudeBottleOptions>() ?? new ClaudeBottleOptions();
        if (settings.Problems() is { Count: > 0 } problems)
        {
            foreach (var problem in problems)
                errors.WriteLine(problem);
            return LaunchDecision.Exit(1);
        }
        if (options.ListState || !options.RemoveState.IsEmpty)
        {
            using var engine = new DockerContainerEngine();
            return LaunchDecision.Exit(StateCommand.RunAsync(options, engine, output, errors, CancellationToken.None).GetAwaiter().GetResult());
        }
        if (options.Check)
            return LaunchDecision.Exit(CheckCommand.Run(options, output, errors, environment, settings.MaxBuildContextBytes, settings.Pipelock.Image));

        BottleManifest manifest;
        IReadOnlyList<ResolvedBottle> bottles = [];
        try
        {
            manifest = ManifestLoader.Load(options.ManifestPath);
            // Publishing writes ${NAME} references, so it needs none of the variables set.
            if (!IsPublish(options.AspireArgs))
                bottles = BottleSelection.Select(BottleResolver.Resolve(manifest, environment), options.Agents, options.ManifestPath);
        }
        catch (ManifestException e)
        {
            errors.WriteLine(e.Message);
            return LaunchDecision.Exit(1);
        }
        if (CheckCommand.ContextProblems(bottles, settings.MaxBuildContextBytes, options.ManifestPath) is { Count: > 0 } contextProblems)
        {
            foreach (var problem in contextProblems)
                errors.WriteLine(problem);
            return LaunchDecision.Exit(1);
        }

        // The folder the reaper trusts is checked before anything starts: one another user could write in is refused.
        // The run's own dashboard and OTLP endpoints are chosen here, so Aspire prints the real address.
        IReadOnlyList<string> endpoints = [];
        if (!IsPublish(options.AspireArgs))
        {
            try
            {
                StateFolder.Prepare(settings.StateRoot, environment);
            }
            catch (StateFolderException e)
            {
                errors.WriteLine(e.Message);
                return LaunchDecision.Exit(1);
            }
            (endpoints, var problem) = RunEndpoints.Choose(configuration);
            if (problem is not null)
            {
                errors.WriteLine(problem);
                return LaunchDecision.Exit(1);
            }
        }

        if (options.Attach)
        {
            if (AttachProblem(options, bottles, terminal) is { } problem)
            {
                errors.WriteLine(problem);
                return LaunchDecision.Exit(2);
            }
            // Attached, the user is at this terminal rather than the dashboard: ask here, as the original tool did.
            if (!options.Yes)
            {
                output.Write(PlanFormatter.Format(bottles.Single(b => b.Name == options.Agents[0]), manifest.Directory, settings.MaxBuildContextBytes) + "Start this bottle? [y/N] ");
                if (terminal!.ReadLine()?.Trim().ToLowerInvariant() is not ("y" or "yes"))
                {
                    output.WriteLine("Not started.");
                    return LaunchDecision.Exit(1);
                }
                options = options with { Yes = true };
            }
        }
        // The user's own arguments come last, so they win.
        return new LaunchDecision(null, manifest, [.. endpoints, .. options.ToAspireArguments()]);
    }

    private static bool IsPublish(IReadOnlyList<string> aspireArgs)
    {
        for (var i = 0; i < aspireArgs.Count; i++)
            if (aspireArgs[i] == "--operation=publish" || (aspireArgs[i] == "--operation" && i + 1 < aspireArgs.Count && aspireArgs[i + 1] == "publish"))
                return true;
        return false;
    }

    private static string? AttachProblem(LaunchOptions options, IReadOnlyList<ResolvedBottle> bottles, TextReader? terminal)
    {
        if (options.Agents.Length != 1)
            return "--attach needs exactly one --agent: the agent whose Claude session this terminal becomes";
        var bottle = bottles.Single(b => b.Name == options.Agents[0]);
        if (bottle.IsHeadless)
            return $"--attach needs an interactive agent, but '{bottle.Name}' has a prompt and runs headless; " +
                   "remove its prompt, or follow it in the dashboard instead";
        if (terminal is null)
            return "--attach needs a terminal, but standard input is not one";
        return null;
    }
}
