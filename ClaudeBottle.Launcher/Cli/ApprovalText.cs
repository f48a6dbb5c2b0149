using System.Text;
using System.Text.RegularExpressions;

namespace ClaudeBottle.Launcher.Cli;

/// <summary>
/// A plan as the dashboard's approval dialog shows it: in a code block that no text of the plan can close (its fence
/// is longer than any run of backticks inside), with long lines wrapped rather than cut at the dialog's edge.
/// </summary>
public static partial class ApprovalText
{
    /// <summary>The widest line the dialog shows whole.</summary>
    public const int Width = 96;

    public static string Markdown(string plan)
    {
        var longestRun = BacktickRuns().Matches(plan).Select(m => m.Length).DefaultIfEmpty(0).Max();
        var fence = new string('`', Math.Max(3, longestRun + 1));
        var text = new StringBuilder().Append(fence).Append('\n');
        foreach (var line in plan.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'))
            foreach (var piece in Wrap(line))
                text.Append(piece).Append('\n');
        return text.Append(fence).Append('\n').ToString();
    }

    /// <summary>The line in pieces of at most <see cref="Width"/>, each continuation marked and indented.</summary>
    private static IEnumerable<string> Wrap(string line)
    {
        const string continuation = "             ↳ ";
        if (line.Length <= Width)
        {
            yield return line;
            yield break;
        }
        yield return line[..Width];
        for (var rest = line[Width..]; rest.Length > 0; rest = rest[Math.Min(rest.Length, Width - continuation.Length)..])
            yield return continuation + rest[..Math.Min(rest.Length, Width - continuation.Length)];
    }

    [GeneratedRegex("`+")]
    private static partial Regex BacktickRuns();
}
