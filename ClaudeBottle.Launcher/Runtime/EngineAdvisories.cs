using System.Text.RegularExpressions;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>Known engine weaknesses that matter to a bottle, judged from the engine's version.</summary>
public static partial class EngineAdvisories
{
    [GeneratedRegex(@"^(\d+)\.(\d+)\.(\d+)")]
    private static partial Regex Version();

    /// <summary>
    /// CVE-2024-29018: the embedded DNS of engines before 23.0.11, 24.x and 25.0.0–25.0.4 forwards lookups from
    /// internal networks out of the host's namespace when the host's resolver is on loopback, so an agent could
    /// exfiltrate data through DNS. Null when the engine is fixed (or its version is unknown).
    /// </summary>
    public static string? DnsLeak(string engineVersion)
    {
        var match = Version().Match(engineVersion);
        if (!match.Success)
            return null;
        var (major, minor, patch) = (int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value), int.Parse(match.Groups[3].Value));
        var affected = major < 23
                       || (major == 23 && minor == 0 && patch < 11)
                       || major == 24
                       || (major == 25 && minor == 0 && patch < 5);
        return affected
            ? $"Docker engine {engineVersion} is affected by CVE-2024-29018: on a host whose resolver is on loopback (systemd-resolved), " +
              "its DNS answers lookups of outside names from internal networks. Bottles give their agents a resolver that cannot " +
              "forward out, which closes that for them, but other containers on this engine stay exposed: upgrade to 23.0.11, 25.0.5, 26.0 or later."
            : null;
    }
}
