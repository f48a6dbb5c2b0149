using System.Text;
using System.Text.RegularExpressions;

namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// A <c>.dockerignore</c>, read and matched exactly as Docker does (a port of moby's <c>ignorefile.ReadAll</c> and
/// <c>patternmatcher</c>, whose test cases <c>DockerIgnoreTests</c> repeats): comments and blank lines skipped, each
/// pattern trimmed and cleaned, a leading <c>/</c> dropped, <c>!</c> for an exception, later patterns overriding
/// earlier ones; <c>*</c> and <c>?</c> stop at <c>/</c>, <c>**</c> spans any number of directories, and a pattern that
/// matches a directory matches everything under it. No .NET library on NuGet implements Docker's rules (gitignore's differ).
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<Pattern> _patterns = [];

    /// <summary>Compiles <paramref name="patterns"/> (moby's <c>patternmatcher.New</c>); a malformed one throws <see cref="FormatException"/>.</summary>
    public DockerIgnore(IEnumerable<string> patterns)
    {
        foreach (var written in patterns)
        {
            var p = written.Trim();
            if (p.Length == 0)
                continue;
            p = Clean(p);
            var exclusion = p[0] == '!';
            if (exclusion)
            {
                if (p.Length == 1)
                    throw new FormatException("illegal exclusion pattern: \"!\"");
                p = p[1..];
                HasExceptions = true;
            }
            _patterns.Add(new Pattern(p, exclusion));
        }
    }

    /// <summary>True when some pattern is an exception (<c>!...</c>).</summary>
    public bool HasExceptions { get; private set; }

    /// <summary>Reads the text of a <c>.dockerignore</c> (moby's <c>ignorefile.ReadAll</c>).</summary>
    public static DockerIgnore Parse(string text) => new(ReadPatterns(text));

    /// <summary>The patterns of a <c>.dockerignore</c>'s text, as moby's <c>ignorefile.ReadAll</c> returns them.</summary>
    public static IReadOnlyList<string> ReadPatterns(string text)
    {
        var patterns = new List<string>();
        var first = true;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.EndsWith('\r') ? raw[..^1] : raw;
            if (first && line.StartsWith('\uFEFF'))
                line = line[1..];
            first = false;
            if (line.StartsWith('#'))
                continue;
            var pattern = line.Trim();
            if (pattern.Length == 0)
                continue;
            var invert = pattern[0] == '!';
            if (invert)
                pattern = pattern[1..].Trim();
            if (pattern.Length > 0)
            {
                pattern = Clean(pattern);
                if (pattern.Length > 1 && pattern[0] == '/')
                    pattern = pattern[1..];
            }
            patterns.Add(invert ? "!" + pattern : pattern);
        }
        return patterns;
    }

    /// <summary>
    /// The same patterns, with exceptions that keep <paramref name="paths"/> in the context whatever the patterns say
    /// (the CLI's <c>TrimBuildFilesFromExcludes</c>: the Dockerfile and <c>.dockerignore</c> are always sent).
    /// </summary>
    public DockerIgnore Keeping(params string[] paths)
    {
        var kept = new DockerIgnore([]) { HasExceptions = HasExceptions };
        kept._patterns.AddRange(_patterns);
        foreach (var path in paths.Where(Excludes))
        {
            kept._patterns.Add(new Pattern(Clean(path), exclusion: true));
            kept.HasExceptions = true;
        }
        return kept;
    }

    /// <summary>True when <paramref name="path"/> (relative, <c>/</c>-separated) is left out of the context (<c>MatchesOrParentMatches</c>).</summary>
    public bool Excludes(string path)
    {
        path = Clean(path);
        if (path == ".")
            return false; // As Docker: the context itself is never excluded.
        var parents = Parents(path);
        var matched = false;
        foreach (var pattern in _patterns)
        {
            // An inclusion cannot change a match, nor an exception a non-match.
            if (pattern.Exclusion != matched)
                continue;
            var match = pattern.Matches(path) || parents.Any(pattern.Matches);
            if (match)
                matched = !pattern.Exclusion;
        }
        return matched;
    }

    /// <summary>
    /// Whether an excluded directory must still be walked, because an exception may bring back something under it
    /// (as Docker's walk decides: an exception pattern starting with the directory's path).
    /// </summary>
    public bool MayKeepUnder(string directory) =>
        HasExceptions && _patterns.Any(p => p.Exclusion && (p.Text + "/").StartsWith(directory + "/", StringComparison.Ordinal));

    private static IEnumerable<string> Parents(string path)
    {
        for (var slash = path.IndexOf('/'); slash >= 0; slash = path.IndexOf('/', slash + 1))
            yield return path[..slash];
    }

    /// <summary>Go's <c>filepath.Clean</c> for <c>/</c>-separated paths.</summary>
    public static string Clean(string path)
    {
        if (path.Length == 0)
            return ".";
        var rooted = path[0] == '/';
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".")
                continue;
            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
                parts.RemoveAt(parts.Count - 1);
            else if (part != ".." || !rooted)
                parts.Add(part);
        }
        var clean = (rooted ? "/" : "") + string.Join('/', parts);
        return clean.Length == 0 ? "." : clean;
    }

    private enum MatchType { Exact, Prefix, Suffix, Regex }

    private sealed class Pattern
    {
        private readonly MatchType _type;
        private readonly Regex? _regex;

        public Pattern(string text, bool exclusion)
        {
            Text = text;
            Exclusion = exclusion;
            (_type, var regex) = Compile(text);
            try
            {
                // Non-backtracking: a pattern from a repository cannot make matching slow.
                _regex = regex is null ? null : new Regex(regex, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
            }
            catch (ArgumentException)
            {
                throw new FormatException($"'{text}' is not a valid pattern (syntax error in pattern)");
            }
        }

        public string Text { get; }

        public bool Exclusion { get; }

        public bool Matches(string path) => _type switch
        {
            MatchType.Exact => path == Text,
            MatchType.Prefix => path.StartsWith(Text[..^2], StringComparison.Ordinal),
            MatchType.Suffix => path.EndsWith(Text[2..], StringComparison.Ordinal) || (Text.Length > 2 && Text[2] == '/' && path == Text[3..]),
            _ => _regex!.IsMatch(path),
        };

        /// <summary>moby's <c>Pattern.compile</c>: the pattern as a regular expression, and the cheaper test when one suffices.</summary>
        private static (MatchType, string?) Compile(string pattern)
        {
            var regex = new StringBuilder("^");
            var type = MatchType.Exact;
            for (var i = 0; i < pattern.Length; i++)
            {
                var ch = pattern[i];
                char? Peek() => i + 1 < pattern.Length ? pattern[i + 1] : null;
                if (ch == '*' && Peek() == '*')
                {
                    var atStart = i == 0;
                    i++;
                    if (Peek() == '/')
                        i++; // "**/" is "**".
                    if (Peek() is null)
                    {
                        if (type == MatchType.Exact)
                            type = MatchType.Prefix;
                        else
                        {
                            regex.Append(".*");
                            type = MatchType.Regex;
                        }
                    }
                    else
                    {
                        regex.Append("(.*/)?");
                        type = MatchType.Regex;
                    }
                    if (atStart)
                        type = MatchType.Suffix;
                }
                else if (ch == '*')
                {
                    regex.Append("[^/]*");
                    type = MatchType.Regex;
                }
                else if (ch == '?')
                {
                    regex.Append("[^/]");
                    type = MatchType.Regex;
                }
                else if (".+()|{}$".Contains(ch))
                    regex.Append('\\').Append(ch);
                else if (ch == '\\')
                {
                    if (Peek() is { } next)
                    {
                        regex.Append('\\').Append(next);
                        i++;
                        type = MatchType.Regex;
                    }
                    else
                        regex.Append("\\\\");
                }
                else if (ch is '[' or ']')
                {
                    regex.Append(ch);
                    type = MatchType.Regex;
                }
                else
                    regex.Append(ch);
            }
            return type == MatchType.Regex ? (type, regex.Append("\\z").ToString()) : (type, null);
        }
    }
}
