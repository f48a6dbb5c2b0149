using System.Globalization;
using ClaudeBottle.Launcher.Manifest;

namespace ClaudeBottle.Launcher.Resolution;

/// <summary>The limits an agent container runs with: the manifest's, or these defaults.</summary>
public sealed record ResourceLimits(double Cpus, long MemoryBytes, long Pids)
{
    // Enough for Claude Code plus a language toolchain; small enough that a runaway agent cannot starve the host.
    public static ResourceLimits Default { get; } = new(2, 4L << 30, 1024);

    public static ResourceLimits From(ResourceSpec spec) => new(
        spec.Cpus ?? Default.Cpus, spec.MemoryBytes ?? Default.MemoryBytes, spec.Pids ?? Default.Pids);

    public override string ToString() =>
        $"cpus {Cpus.ToString(CultureInfo.InvariantCulture)}, memory {MemorySize.Format(MemoryBytes)}, pids {Pids}";
}
