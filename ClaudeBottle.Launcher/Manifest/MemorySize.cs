using System.Globalization;
using System.Text.RegularExpressions;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>Docker's memory notation: a whole number with an optional b, k, m or g suffix (powers of 1024).</summary>
public static partial class MemorySize
{
    /// <summary>The engine refuses memory limits below 6 MiB.</summary>
    public const long Minimum = 6L * 1024 * 1024;

    [GeneratedRegex("^([0-9]+)([bkmg]?)$", RegexOptions.IgnoreCase)]
    private static partial Regex Notation();

    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var match = Notation().Match(text);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            return false;
        var shift = char.ToLowerInvariant(match.Groups[2].Value.FirstOrDefault('b')) switch
        {
            'k' => 10, 'm' => 20, 'g' => 30, _ => 0,
        };
        if (n > long.MaxValue >> shift)
            return false;
        bytes = n << shift;
        return true;
    }

    /// <summary>The shortest exact notation, e.g. 4294967296 → "4g".</summary>
    public static string Format(long bytes)
    {
        foreach (var (suffix, shift) in new[] { ("g", 30), ("m", 20), ("k", 10) })
            if (bytes != 0 && bytes % (1L << shift) == 0)
                return (bytes >> shift).ToString(CultureInfo.InvariantCulture) + suffix;
        return bytes.ToString(CultureInfo.InvariantCulture) + "b";
    }
}
