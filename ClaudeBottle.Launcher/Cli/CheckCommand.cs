using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;
using ClaudeBottle.Launcher.Planning;

namespace ClaudeBottle.Launcher.Cli;

/// <summary><c>--check</c>: validate the manifest and print each bottle's plan; start nothing.</summary>
public static class CheckCommand
{
    /// <summary>Checks and prints; <paramref name="maxContextBytes"/> caps each build context (<c>ClaudeBottle:MaxBuildContextSize</c>).</summary>
    public static int Run(LaunchOptions options, TextWriter output, TextWriter errors, Func<string, string?> environment,
        long maxContextBytes = BuildContext.DefaultMaxBytes, string? pipelockImage = null)
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

        if (ContextProblems(bottles, maxContextBytes, options.ManifestPath) is { Count: > 0 } problems)
        {
            foreach (var problem in problems)
                errors.WriteLine(problem);
            return 1;
        }

        var bottleCount = bottles.Select(b => b.BottleName).Distinct().Count();
        output.WriteLine($"{options.ManifestPath} is valid: {Count(bottles.Count, "agent")} in {Count(bottleCount, "bottle")}.");
        pipelockImage ??= PipelockImage.Reference;
        output.WriteLine(pipelockImage == PipelockImage.Reference && !PipelockImage.DigestVerified
            ? $"proxy: pipelock {PipelockImage.Reference} (this build's digest is a placeholder, not verified: name the " +
              $"pipelock image you trust in {PipelockImage.ConfigurationKey})"
            : $"proxy: pipelock {pipelockImage}");
        output.WriteLine(environment(AgentLayout.TokenVariable) is { Length: > 0 }
            ? $"token: {AgentLayout.TokenVariable} is set"
            : $"token: {AgentLayout.TokenVariable} is NOT set; agents will not be able to log in to Claude " +
              "(run 'claude setup-token' and export it)");
        foreach (var bottle in bottles)
        {
            output.WriteLine();
            output.Write(PlanFormatter.Format(bottle, manifest.Directory, maxContextBytes));
        }
        return 0;
    }

    /// <summary>
    /// What is wrong with the bottles' build contexts (a special file, over the cap, a bad .dockerignore), from their
    /// metadata: nothing is read but the ignore files, so checking is safe before any plan is approved.
    /// </summary>
    public static IReadOnlyList<string> ContextProblems(IEnumerable<ResolvedBottle> bottles, long maxContextBytes, string manifestPath)
    {
        var problems = new List<string>();
        foreach (var build in bottles.Select(b => b.Image).OfType<ImageSource.Build>().Distinct())
        {
            try
            {
                BuildContext.Scan(build.Context, Path.GetRelativePath(build.Context, build.Dockerfile).Replace('\\', '/'), maxContextBytes);
            }
            catch (Exception e) when (e is BuildContextException or IOException)
            {
                problems.Add($"{Path.GetFileName(manifestPath)}: {e.Message}");
            }
        }
        return problems;
    }

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";
}
