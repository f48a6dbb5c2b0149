namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// The patterns of a <c>.dockerignore</c>, applied with the rules Docker documents for it.
/// <list type="bullet">
/// <item>One pattern a line. A line whose first character is <c>#</c> is a comment; a line blank once trimmed of
/// surrounding whitespace is skipped. A leading <c>!</c> makes the line an exception that brings paths back.</item>
/// <item>A pattern is cleaned as Go's <c>filepath.Clean</c> cleans a path (repeated <c>/</c>, <c>.</c> and inner
/// <c>..</c> removed, no trailing <c>/</c>), then a leading <c>/</c> is dropped: the context is both the working and
/// the root directory, so <c>/foo/bar</c>, <c>foo/bar</c> and <c>foo/bar/</c> mean the same.</item>
/// <item><c>*</c> matches any run of characters within one name, <c>?</c> one character other than <c>/</c>,
/// <c>[...]</c> one character of a class of characters and <c>lo-hi</c> ranges (<c>[^...]</c> one outside it), and
/// <c>\</c> makes the next character literal.</item>
/// <item><c>**</c> as a whole name matches any number of directories, none included; written inside a name it
/// matches any characters, <c>/</c> included; a trailing <c>/**</c> matches everything inside a directory.</item>
/// <item>A pattern that matches a directory matches everything under it, and of the lines that match a path the last
/// one decides whether it is left out.</item>
/// </list>
/// The Dockerfile and the ignore file are sent whatever the patterns say (<see cref="Keeping"/>). Matching steps through
/// the pattern's states once per character, so no pattern from a repository can make it slow. No .NET library
/// implements these rules (gitignore's, which several do, differ).
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<Rule> _rules;

    /// <summary>One pattern per element, as the lines of a file but without comments; a malformed one throws <see cref="FormatException"/>.</summary>
    public DockerIgnore(IEnumerable<string> patterns) =>
        _rules = patterns.Select(Rule.Read).OfType<Rule>().ToList();

    private DockerIgnore(List<Rule> rules) => _rules = rules;

    /// <summary>Reads the text of an ignore file; a malformed pattern throws <see cref="FormatException"/> naming its line.</summary>
    public static DockerIgnore Parse(string text)
    {
        var rules = new List<Rule>();
        var lines = text.Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = n == 0 ? lines[n].TrimStart('\uFEFF') : lines[n]; // An editor's byte-order mark is not a pattern.
            if (line.StartsWith('#'))
                continue;
            try
            {
                if (Rule.Read(line) is { } rule)
                    rules.Add(rule);
            }
            catch (FormatException e)
            {
                throw new FormatException($"line {n + 1} '{line.Trim()}': {e.Message}", e);
            }
        }
        return new DockerIgnore(rules);
    }

    /// <summary>
    /// These patterns, with <paramref name="paths"/> always kept: Docker needs the Dockerfile and the ignore file to build,
    /// so it sends them even when a pattern leaves them out.
    /// </summary>
    public DockerIgnore Keeping(params string[] paths) =>
        new([.. _rules, .. paths.Where(Excludes).Select(p => new Rule(Glob.Literal(Clean(p)), Keep: true))]);

    /// <summary>True when <paramref name="path"/> (relative to the context, <c>/</c>-separated) is left out of the context.</summary>
    public bool Excludes(string path)
    {
        path = Clean(path);
        if (path == ".")
            return false; // The context itself is always sent.
        var excluded = false;
        foreach (var rule in _rules)
        {
            // Only an exception can bring a path back, and only an exclusion can leave it out.
            if (rule.Keep != excluded)
                continue;
            if (rule.Glob.Matches(path) || Ancestors(path).Any(rule.Glob.Matches))
                excluded = !rule.Keep;
        }
        return excluded;
    }

    /// <summary>
    /// Whether an excluded directory must still be walked: some exception could match a path under it (erring towards
    /// walking, which costs time only, as each entry found is still checked with <see cref="Excludes"/>).
    /// </summary>
    public bool MayKeepUnder(string directory) =>
        _rules.Any(r => r.Keep && r.Glob.MayMatchUnder(Clean(directory)));

    private static IEnumerable<string> Ancestors(string path)
    {
        for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
            yield return path[..slash];
    }

    /// <summary>Go's <c>filepath.Clean</c>, as its documentation states it, for <c>/</c>-separated paths.</summary>
    private static string Clean(string path)
    {
        var rooted = path.StartsWith('/');
        var names = new List<string>();
        foreach (var name in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (name == ".")
                continue;
            if (name == ".." && names.Count > 0 && names[^1] != "..")
                names.RemoveAt(names.Count - 1);
            else if (name != ".." || !rooted) // Above the root is the root.
                names.Add(name);
        }
        var joined = string.Join('/', names);
        return rooted ? "/" + joined : joined.Length == 0 ? "." : joined;
    }

    private sealed record Rule(Glob Glob, bool Keep)
    {
        /// <summary>The rule a line states, or null for a blank one.</summary>
        public static Rule? Read(string line)
        {
            var pattern = line.Trim();
            var keep = pattern.StartsWith('!');
            if (keep)
            {
                pattern = pattern[1..].Trim();
                if (pattern.Length == 0)
                    throw new FormatException("'!' must be followed by the pattern of what to keep");
            }
            pattern = Clean(pattern).TrimStart('/');
            return pattern.Length == 0 ? null : new Rule(Glob.Compile(pattern), keep);
        }
    }

    private enum Kind { Char, One, Class, Star, Any, Dirs }

    /// <summary>One step of a pattern. <c>Dirs</c> is a whole-name <c>**/</c>: nothing, or anything ending in <c>/</c>.</summary>
    private readonly record struct Step(Kind Kind, int Char = 0, (int Lo, int Hi)[]? Ranges = null, bool Negated = false)
    {
        public bool MatchesEmpty => Kind is Kind.Star or Kind.Any or Kind.Dirs;

        public bool InClass(int c) => Ranges!.Any(r => r.Lo <= c && c <= r.Hi) != Negated;
    }

    private sealed class Glob(Step[] steps)
    {
        public static Glob Literal(string text) => new([.. text.EnumerateRunes().Select(r => new Step(Kind.Char, r.Value))]);

        public static Glob Compile(string pattern)
        {
            var p = pattern.EnumerateRunes().Select(r => r.Value).ToArray();
            var steps = new List<Step>();
            var nameStart = true;
            for (var i = 0; i < p.Length; i++)
            {
                var atNameStart = nameStart;
                nameStart = false;
                switch (p[i])
                {
                    case '*' when i + 1 < p.Length && p[i + 1] == '*':
                        i++;
                        if (atNameStart && i + 1 < p.Length && p[i + 1] == '/')
                        {
                            steps.Add(new Step(Kind.Dirs));
                            i++;
                            nameStart = true;
                        }
                        else
                            steps.Add(new Step(Kind.Any));
                        break;
                    case '*':
                        steps.Add(new Step(Kind.Star));
                        break;
                    case '?':
                        steps.Add(new Step(Kind.One));
                        break;
                    case '[':
                        steps.Add(ReadClass(p, ref i));
                        break;
                    case '\\':
                        if (++i == p.Length)
                            throw new FormatException(@"it ends with a lone '\'; write '\\' to match a backslash");
                        steps.Add(new Step(Kind.Char, p[i]));
                        break;
                    default:
                        steps.Add(new Step(Kind.Char, p[i]));
                        nameStart = p[i] == '/';
                        break;
                }
            }
            return new Glob([.. steps]);
        }

        /// <summary>A class from the <c>[</c> at <paramref name="i"/>, leaving <paramref name="i"/> on its <c>]</c>.</summary>
        private static Step ReadClass(int[] p, ref int i)
        {
            const string unclosed = @"a '[' opens a character class that no ']' closes; write '\[' to match a bracket";
            var negated = i + 1 < p.Length && p[i + 1] == '^';
            i += negated ? 2 : 1;
            var ranges = new List<(int, int)>();
            for (; i < p.Length && !(p[i] == ']' && ranges.Count > 0); i++)
            {
                var lo = ClassChar(p, ref i, unclosed);
                var hi = lo;
                if (i + 1 < p.Length && p[i + 1] == '-')
                {
                    i += 2;
                    hi = ClassChar(p, ref i, unclosed);
                    if (hi < lo)
                        throw new FormatException($"the range '{char.ConvertFromUtf32(lo)}-{char.ConvertFromUtf32(hi)}' runs backwards; write its low end first");
                }
                ranges.Add((lo, hi));
            }
            if (i == p.Length)
                throw new FormatException(unclosed);
            return new Step(Kind.Class, Ranges: [.. ranges], Negated: negated);
        }

        private static int ClassChar(int[] p, ref int i, string unclosed)
        {
            if (i == p.Length)
                throw new FormatException(unclosed);
            if (p[i] == '\\')
                return ++i < p.Length ? p[i] : throw new FormatException(unclosed);
            if (p[i] is '-' or ']')
                throw new FormatException($"a '{(char)p[i]}' in a character class must be escaped as '\\{(char)p[i]}'");
            return p[i];
        }

        public bool Matches(string path)
        {
            var states = Start();
            foreach (var rune in path.EnumerateRunes())
                if (!Advance(ref states, rune.Value))
                    return false;
            return states[steps.Length];
        }

        /// <summary>Whether some path strictly under <paramref name="directory"/> could match, or one of its ancestors does.</summary>
        public bool MayMatchUnder(string directory)
        {
            var states = Start();
            foreach (var rune in (directory + "/").EnumerateRunes())
            {
                if (rune.Value == '/' && states[steps.Length])
                    return true;
                if (!Advance(ref states, rune.Value))
                    return false;
            }
            return true; // Still alive: the rest of the pattern can match what lies under the directory.
        }

        private bool[] Start()
        {
            var states = new bool[steps.Length + 1];
            states[0] = true;
            Close(states);
            return states;
        }

        /// <summary>Moves every live state over <paramref name="c"/>; false when none survives.</summary>
        private bool Advance(ref bool[] states, int c)
        {
            var next = new bool[states.Length];
            var alive = false;
            for (var s = 0; s < steps.Length; s++)
            {
                if (!states[s])
                    continue;
                var step = steps[s];
                var (stay, move) = step.Kind switch
                {
                    Kind.Char => (false, c == step.Char),
                    Kind.One => (false, c != '/'),
                    Kind.Class => (false, step.InClass(c)),
                    Kind.Star => (c != '/', false),
                    Kind.Any => (true, false),
                    _ => (true, c == '/'), // Dirs: anything, ending on a '/'.
                };
                next[s] |= stay;
                next[s + 1] |= move;
                alive |= stay || move;
            }
            Close(next);
            states = next;
            return alive;
        }

        private void Close(bool[] states)
        {
            for (var s = 0; s < steps.Length; s++)
                if (states[s] && steps[s].MatchesEmpty)
                    states[s + 1] = true;
        }
    }
}
