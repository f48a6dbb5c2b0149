using System.Globalization;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>
/// The Public Suffix List (publicsuffix.org), ICANN and private sections, vendored from Debian's <c>publicsuffix</c>
/// package (<see cref="Date"/>) as <c>Manifest/Data/public_suffix_list.dat</c>, so that validation is the same on
/// every machine and needs no network. A name is a public suffix when names under it belong to unrelated owners
/// (<c>co.uk</c>, <c>github.io</c>, <c>s3.amazonaws.com</c>).
/// </summary>
public static class PublicSuffixList
{
    /// <summary>The list's date: Debian package 20230209.2326-1. Refresh with <c>apt-get install publicsuffix</c> and a copy.</summary>
    public const string Date = "2023-02-09";

    private const string Resource = "ClaudeBottle.Launcher.Manifest.Data.public_suffix_list.dat";

    private static readonly Lazy<Rules> List = new(Load);

    /// <summary>True when <paramref name="domain"/> (lower-case ASCII, punycode) is itself a public suffix.</summary>
    public static bool IsPublicSuffix(string domain)
    {
        var rules = List.Value;
        if (rules.Exceptions.Contains(domain))
            return false;
        var dot = domain.IndexOf('.');
        // The list's default rule "*": every top-level domain is a public suffix.
        return dot < 0 || rules.Exact.Contains(domain) || rules.WildcardParents.Contains(domain[(dot + 1)..]);
    }

    /// <summary>
    /// A public suffix strictly beneath <paramref name="domain"/> (<c>s3.amazonaws.com</c> under <c>amazonaws.com</c>),
    /// or null: a wildcard over the domain would also cover the unrelated owners under that suffix.
    /// </summary>
    public static string? SuffixBeneath(string domain) =>
        List.Value.Beneath.TryGetValue(domain, out var example) ? example : null;

    private sealed record Rules(HashSet<string> Exact, HashSet<string> WildcardParents, HashSet<string> Exceptions, Dictionary<string, string> Beneath);

    private static Rules Load()
    {
        var rules = new Rules(new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal));
        using var stream = typeof(PublicSuffixList).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"the embedded Public Suffix List {Resource} is missing from the build");
        using var reader = new StreamReader(stream);
        var idn = new IdnMapping();
        while (reader.ReadLine() is { } line)
        {
            // Rules end at the first white space; comments start with "//".
            var rule = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (rule is null || rule.StartsWith("//", StringComparison.Ordinal))
                continue;
            var exception = rule.StartsWith('!');
            var wildcard = rule.StartsWith("*.", StringComparison.Ordinal);
            var name = rule[(exception ? 1 : wildcard ? 2 : 0)..];
            // Allowlist entries are punycode, so the list's Unicode rules are compared in that form.
            name = name.All(char.IsAscii) ? name.ToLowerInvariant() : idn.GetAscii(name).ToLowerInvariant();
            if (exception)
            {
                rules.Exceptions.Add(name);
                continue;
            }
            var suffix = wildcard ? $"*.{name}" : name;
            (wildcard ? rules.WildcardParents : rules.Exact).Add(name);
            // Every domain above the suffix has it beneath; the wildcard's own parent has its children beneath.
            var above = wildcard ? name : Parent(name);
            for (; above is not null; above = Parent(above))
                if (!rules.Beneath.TryGetValue(above, out var known) || known.Length > suffix.Length)
                    rules.Beneath[above] = suffix; // The shortest reads best in an error.
        }
        return rules;
    }

    private static string? Parent(string domain) =>
        domain.IndexOf('.') is var dot and >= 0 ? domain[(dot + 1)..] : null;
}
