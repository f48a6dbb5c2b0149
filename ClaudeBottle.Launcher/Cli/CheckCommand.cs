using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Cli;

/// <summary><c>--check</c>: validate the manifest and print each bottle's plan; start nothing.</summary>
public static class CheckCommand
{
    public static int Run(LaunchOptions options, TextWriter output, TextWriter errors, Func<string, string?> environment)
    {
        IReadOnlyList<ResolvedBottle> bottles;
        BottleManifest manifest;
        try
        {
            manifest = ManifestLoader.Load(options.ManifestPath);
            bottles = BottleSelection.Select(BottleResolver.Resolve(manifest, environment), options.Agents, options.ManifestPath);
        }
        catch (ManifestException e)
        {
            errors.WriteLine(e.Message);
            return 1;
        }

        var bottleCount = bottles.Select(b => b.BottleName).Distinct().Count();
        output.WriteLine($"{options.ManifestPath} is valid: {Count(bottles.Count, "agent")} in {Count(bottleCount, "bottle")}.");
        output.WriteLine($"proxy: pipelock {PipelockImage.Reference}");
        output.WriteLine(environment(AgentLayout.TokenVariable) is { Length: > 0 }
            ? $"token: {AgentLayout.TokenVariable} is set"
            : $"token: {AgentLayout.TokenVariable} is NOT set; agents will not be able to log in to Claude " +
              "(run 'claude setup-token' and export it)");
        foreach (var bottle in bottles)
        {
            output.WriteLine();
            output.Write(PlanFormatter.Format(bottle, manifest.Directory));
        }
        return 0;
    }

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";
}
