using System.Globalization;

namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// What a build context holds, from its entries' metadata alone: the plan shows it, and a build compares the
/// <see cref="Fingerprint"/> (names, kinds, sizes, link texts) with the one that was approved.
/// </summary>
public sealed record BuildContextSummary(string Directory, int Files, int Directories, int Links, long Bytes, string Fingerprint)
{
    public override string ToString() =>
        $"{Count(Files, "file")}, {Count(Directories, "directory", "directories")}, {Count(Links, "symbolic link")}, {Size(Bytes)}";

    /// <summary>A size as a person reads it (KiB, MiB, GiB).</summary>
    public static string Size(long bytes)
    {
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        for (; value >= 1024 && unit < units.Length - 1; unit++)
            value /= 1024;
        return unit == 0 ? $"{bytes} bytes" : $"{value.ToString("0.#", CultureInfo.InvariantCulture)} {units[unit]}";
    }

    private static string Count(int n, string one, string? many = null) => $"{n} {(n == 1 ? one : many ?? one + "s")}";
}
