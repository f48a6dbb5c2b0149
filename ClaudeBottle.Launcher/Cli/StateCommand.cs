using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Runtime;

namespace ClaudeBottle.Launcher.Cli;

/// <summary>
/// <c>--list-state</c> and <c>--remove-state</c>: the agents' kept conversations, seen and removed from the command
/// line. The only way, with <c>docker volume rm</c>, that one is removed: runs and the reaper never touch them. The list
/// shows the workspace clones on the engine too, with how to bring back the work of one that could not come back.
/// </summary>
public static class StateCommand
{
    /// <summary>Lists, or removes the named agents' state of the manifest <c>--manifest</c> names; returns the exit code.</summary>
    public static async Task<int> RunAsync(LaunchOptions options, IContainerEngine engine, TextWriter output, TextWriter errors, CancellationToken ct)
    {
        IReadOnlyList<LabelledObject> volumes, clones;
        try
        {
            volumes = await AgentStateVolumes.ListAsync(engine, ct);
            clones = options.RemoveState.IsEmpty ? await KeptClones.ListAsync(engine, ct) : [];
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            errors.WriteLine($"Could not list the kept conversations: the container engine did not answer ({e.Message}). Is Docker running (docker info)?");
            return 1;
        }
        if (options.RemoveState.IsEmpty)
        {
            if (volumes.Count == 0)
                output.WriteLine("No agent's conversation is kept. An agent with \"resume\": true, or started with --resume, keeps one.");
            else
            {
                output.WriteLine("Kept conversations (agent, manifest, volume):");
                foreach (var volume in volumes)
                    output.WriteLine("  " + ConsoleSafe(AgentStateVolumes.Describe(volume)));
            }
            ListClones(clones, output);
            return 0;
        }

        // The manifest's real path, as its agents' volumes are labelled: it need not load, or exist any more.
        var full = Path.GetFullPath(options.ManifestPath);
        var manifestFile = HostFile.Resolve(full, out _) ?? full;
        var exit = 0;
        foreach (var agent in options.RemoveState.Distinct(StringComparer.Ordinal))
        {
            var name = AgentState.For(manifestFile, agent, ConversationMode.None).Volume;
            var found = volumes.FirstOrDefault(v => v.Name == name
                && v.Labels.GetValueOrDefault(BottleLabels.Manifest) == manifestFile && v.Labels.GetValueOrDefault(BottleLabels.Agent) == agent);
            if (found is null)
            {
                errors.WriteLine($"No conversation of agent '{ConsoleSafe(agent)}' of {ConsoleSafe(manifestFile)} is kept; " +
                                 "--list-state shows what is kept (--manifest PATH names another manifest).");
                exit = 1;
                continue;
            }
            try
            {
                await engine.RemoveVolumeAsync(found.Name, ct);
                output.WriteLine($"Removed the kept conversation of agent '{ConsoleSafe(agent)}' of {ConsoleSafe(manifestFile)} (volume {found.Name}).");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                errors.WriteLine($"Could not remove the kept conversation of agent '{ConsoleSafe(agent)}' (volume {found.Name}): {ConsoleSafe(e.Message)}. " +
                                 "If its bottle is running, stop it first.");
                exit = 1;
            }
        }
        return exit;
    }

    private static void ListClones(IReadOnlyList<LabelledObject> clones, TextWriter output)
    {
        if (clones.Count == 0)
            return;
        output.WriteLine("Workspace clones (agent, branch, repository, volume): a running bottle's comes back when it ends; " +
                         "any other holds work that could not come back:");
        foreach (var clone in clones)
        {
            output.WriteLine("  " + ConsoleSafe(KeptClones.Describe(clone)));
            if (KeptClones.Recovery(clone) is { } recovery)
                output.WriteLine("    " + ConsoleSafe(recovery));
        }
    }

    private static string ConsoleSafe(string text) => NameRules.Printable(text);
}
