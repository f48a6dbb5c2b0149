using System.Text;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Planning;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Cli;

/// <summary>
/// Renders a bottle's resolved plan for a person to approve: image, allowlist and its rules, hosts not inspected,
/// credentials (host, header and variable names, never values), environment names, mounts and limits.
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
        if (!bottle.Rules.IsEmpty)
            Line(text, "rules", bottle.Rules.Select(Rule));
        if (!bottle.PassThrough.IsEmpty)
            Line(text, "opaque", bottle.PassThrough.Select(h => $"{h} (not inspected: no rules, credentials or scans; the allowlist still applies)"));
        Line(text, "credential", bottle.Credentials.IsEmpty
            ? ["(none)"]
            : bottle.Credentials.Select(c => $"{c.Header} on {c.Host} from {string.Join(", ", c.Variables.Select(v => "${" + v + "}"))}, set by the edge"));
        Line(text, "env", bottle.Environment.IsEmpty ? ["(none)"] : bottle.Environment.Select(e => Variable(e, bottle)));
        Line(text, "mounts", bottle.Mounts.IsEmpty
            ? ["(none)"]
            : bottle.Mounts.Select(m => $"{Shown(m.Source, manifestDirectory)} -> {m.Target} ({(m.ReadOnly ? "read-only" : "read-write")})"));
        if (bottle.WorkspaceClone is { } clone)
            Line(text, "workspace", [Clone(clone, manifestDirectory)]);
        Line(text, "limits", [bottle.Limits.ToString()]);
        Line(text, "permission", [bottle.PermissionMode]);
        if (bottle.State.IsKept)
            Line(text, "state", [Conversation(bottle.State)]);
        if (bottle.Prompt is { } prompt)
            Line(text, "prompt", [Abbreviate(prompt)]);
        return text.ToString();
    }

    /// <summary>A workspace in clone mode: the repository, what the clone starts from, and where the work comes back.</summary>
    public static string Clone(WorkspaceClone clone, string? manifestDirectory) =>
        $"clone of the git repository {(manifestDirectory is null ? clone.Repository : Shown(clone.Repository, manifestDirectory))} at " +
        $"{(clone.Ref is { } name ? $"ref {name}" : "HEAD")}, at /workspace; the repository itself is not mounted. The agent's commits come back to it as " +
        $"branch {WorkspaceClone.BranchPrefix}<agent>/<run>, uncommitted changes as <branch>{WorkspaceClone.UncommittedSuffix}";

    /// <summary>What a start does with the agent's kept Claude state, and where it is kept.</summary>
    public static string Conversation(AgentState state) => state.Mode switch
    {
        ConversationMode.Fresh => $"~/.claude kept in volume {state.Volume}, emptied first: a new conversation",
        _ => $"~/.claude kept in volume {state.Volume}; the last conversation continued (claude --continue)",
    };

    /// <summary>A rule as a person reads it: which methods, which paths.</summary>
    private static string Rule(EgressRuleSpec rule)
    {
        var parts = new List<string> { rule.Methods.IsEmpty ? "any method" : string.Join(", ", rule.Methods) + " only" };
        if (!rule.Allow.IsEmpty)
            parts.Add("paths " + string.Join(", ", rule.Allow) + " only");
        if (!rule.Deny.IsEmpty)
            parts.Add("never " + string.Join(", ", rule.Deny));
        return $"{rule.Host}: {string.Join("; ", parts)}";
    }

    /// <summary>
    /// A secret's name and where it comes from; the agent holds a placeholder, and the person approving must see when
    /// no credential sends the real value (the variable then gives the agent nothing usable).
    /// </summary>
    private static string Variable(ResolvedEnvVar variable, ResolvedBottle bottle) => variable.SourceVariable switch
    {
        null => variable.Name,
        var source when bottle.Secrets.Any(s => s.Variable == source) => $"{variable.Name} (a placeholder for ${{{source}}}, whose value the edge sends)",
        var source => $"{variable.Name} (a placeholder for ${{{source}}}; no credential sends its value, so it is of no use to the agent)",
    };

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
