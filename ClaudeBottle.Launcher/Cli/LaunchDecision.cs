using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Cli;

/// <summary>What the command line decided before Aspire starts: exit now with a code, or run this manifest with these arguments.</summary>
public sealed record LaunchDecision(int? ExitCode, BottleManifest? Manifest, IReadOnlyList<string> AspireArgs)
{
    public static LaunchDecision Exit(int code) => new(code, null, []);
}
