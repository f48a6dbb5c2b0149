using Aspire.Hosting;
using ClaudeBottle.Launcher.Cli;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher;

/// <summary>The app host's whole program: options, manifest, then the Aspire application.</summary>
public static class ClaudeBottleApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        LaunchOptions options;
        try
        {
            options = LaunchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"{e.Message}{Environment.NewLine}{Environment.NewLine}{LaunchOptions.Usage}");
            return 2;
        }
        if (options.Help)
        {
            await Console.Out.WriteLineAsync(LaunchOptions.Usage);
            return 0;
        }
        if (options.Check)
            return CheckCommand.Run(options, Console.Out, Console.Error, Environment.GetEnvironmentVariable);

        // An invalid manifest stops here, before Aspire, the dashboard or any container starts.
        BottleManifest manifest;
        IReadOnlyList<ResolvedBottle> bottles;
        try
        {
            manifest = ManifestLoader.Load(options.ManifestPath);
            bottles = BottleResolver.Resolve(manifest, Environment.GetEnvironmentVariable);
            BottleSelection.Select(bottles, options.Agents, options.ManifestPath);
        }
        catch (ManifestException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }

        var builder = DistributedApplication.CreateBuilder([.. options.AspireArgs]);
        await using var app = builder.Build();
        await app.RunAsync();
        return 0;
    }
}
