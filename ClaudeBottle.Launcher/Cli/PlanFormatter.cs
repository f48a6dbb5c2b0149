using System.Text;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Cli;

/// <summary>
/// Renders a bottle's resolved plan for a person to approve: image, allowlist, environment names (never values),
/// mounts and limits.
/// </summary>
public static class PlanFormatter
{
    /// <summary>The mark on a mount or build context whose real path lies outside the manifest's directory.</summary>
    public const string OutsideMark = "(outside the manifest's directory)";

    /// <summary>The plan of <paramref name="bottle"/>; a build context is capped at <paramref name="maxContextBytes"/> (<c>ClaudeBottle:MaxBuildContextSize</c>).</summary>
    public static string Format(ResolvedBottle bottle, string manifestDirectory, long maxContextBytes = BuildContext.DefaultMaxBytes)
    {
        // Mount sources are real paths, so "inside" is judged against the directory's real path too.
        manifestDirectory = HostFile.Resolve(manifestDirectory, out _) ?? manifestDirectory;
        var text = new StringBuilder();
        var mode = bottle.IsHeadless ? "headless" : "interactive";
        text.AppendLine($"agent {bottle.Name} (bottle {bottle.BottleName}, {mode})");
        Line(text, "image", [bottle.Image.ToString()!]);
        if (bottle.Image is ImageSource.Build build)
            Line(text, "context", [Context(build, manifestDirectory, maxContextBytes)]);
        Line(text, "allowlist", bottle.Allowlist);
        Line(text, "env", bottle.Environment.IsEmpty ? ["(none)"] : bottle.Environment.Select(e => e.ToString()));
        Line(text, "mounts", bottle.Mounts.IsEmpty
            ? ["(none)"]
            : bottle.Mounts.Select(m => $"{Shown(m.Source, manifestDirectory)} -> {m.Target} ({(m.ReadOnly ? "read-only" : "read-write")})"));
        Line(text, "limits", [bottle.Limits.ToString()]);
        Line(text, "permission", [bottle.PermissionMode]);
        if (bottle.Prompt is { } prompt)
            Line(text, "prompt", [Abbreviate(prompt)]);
        return text.ToString();
    }

    private static void Line(StringBuilder text, string label, IEnumerable<string> values)
    {
        var first = true;
        // A path or name can carry control, bidi or zero-width characters: shown as escapes, they hide nothing.
        foreach (var value in values.Select(NameRules.Printable))
        {
            text.Append(first ? $"  {label + ":",-12}" : new string(' ', 14)).AppendLine(value);
            first = false;
        }
    }

    /// <summary>
    /// The build context's real path, marked when outside the manifest's directory, and what it holds, from metadata
    /// alone: its files are read only once the plan is approved.
    /// </summary>
    private static string Context(ImageSource.Build build, string manifestDirectory, long maxContextBytes)
    {
        var where = Shown(build.Context, manifestDirectory);
        try
        {
            var dockerfile = Path.GetRelativePath(build.Context, build.Dockerfile).Replace('\\', '/');
            return $"{where}: {BuildContext.Scan(build.Context, dockerfile, maxContextBytes)}";
        }
        catch (Exception e) when (e is BuildContextException or IOException)
        {
            return $"{where}: REFUSED, {e.Message}";
        }
    }

    /// <summary>The real path: relative when inside the manifest's directory, else absolute and marked.</summary>
    private static string Shown(string path, string manifestDirectory) =>
        HostPaths.IsWithin(path, manifestDirectory) ? Path.GetRelativePath(manifestDirectory, path) : $"{path} {OutsideMark}";

    private static string Abbreviate(string prompt)
    {
        var oneLine = NameRules.Printable(prompt.ReplaceLineEndings(" "));
        return oneLine.Length <= 100 ? $"\"{oneLine}\"" : $"\"{oneLine[..97]}...\"";
    }
}
