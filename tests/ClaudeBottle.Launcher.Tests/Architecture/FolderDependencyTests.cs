using System.Text.RegularExpressions;

namespace ClaudeBottle.Launcher.Tests.Architecture;

/// <summary>
/// The Launcher's folders follow its flow, Manifest -> Resolution -> Planning -> Telemetry -> Runtime ->
/// Publishing / Cli -> Hosting: a folder uses only folders before it, so no two import each other. Read from the
/// source: <c>using</c> directives and namespace-qualified names alike.
/// </summary>
public sealed partial class FolderDependencyTests
{
    private static readonly string[] Layers = ["Manifest", "Resolution", "Planning", "Telemetry", "Runtime", "Publishing", "Cli", "Hosting"];

    /// <summary>Folders at the same level that may not use each other either.</summary>
    private static readonly Dictionary<string, int> Level = new()
    {
        ["Manifest"] = 0, ["Resolution"] = 1, ["Planning"] = 2, ["Telemetry"] = 3, ["Runtime"] = 4, ["Publishing"] = 5, ["Cli"] = 5, ["Hosting"] = 6,
    };

    [Fact]
    public void Every_folder_uses_only_folders_before_it_in_the_flow()
    {
        var uses = FolderUses();
        var backwards = uses.Where(u => Level.ContainsKey(u.Key))
            .SelectMany(u => u.Value.Where(used => Level[used] >= Level[u.Key]).Select(used => $"{u.Key} uses {used}")).ToList();
        backwards.Should().BeEmpty("a folder may use only the folders before it: {0}", string.Join("; ", backwards));
        uses.Keys.Should().BeSubsetOf(Layers, "every source file sits in one of the flow's folders");
    }

    [Fact]
    public void No_source_file_is_much_over_300_lines()
    {
        var long_ = SourceFiles().Select(f => (File: Path.GetRelativePath(LauncherDirectory, f), Lines: File.ReadAllLines(f).Length))
            .Where(f => f.Lines > 320).Select(f => $"{f.File} ({f.Lines})").ToList();
        long_.Should().BeEmpty("small files, named for what they hold: {0}", string.Join(", ", long_));
    }

    /// <summary>For each folder, the other folders its files name.</summary>
    private static Dictionary<string, HashSet<string>> FolderUses()
    {
        var uses = new Dictionary<string, HashSet<string>>();
        foreach (var file in SourceFiles())
        {
            var relative = Path.GetRelativePath(LauncherDirectory, file);
            var folder = relative.Contains(Path.DirectorySeparatorChar) ? relative[..relative.IndexOf(Path.DirectorySeparatorChar)] : "(root)";
            var set = uses.TryGetValue(folder, out var s) ? s : uses[folder] = [];
            var code = Code(File.ReadAllText(file));
            foreach (Match m in Qualified().Matches(code))
                set.Add(m.Groups[1].Value);
            foreach (Match m in Relative().Matches(code))
                if (Level.ContainsKey(m.Groups[1].Value))
                    set.Add(m.Groups[1].Value);
            set.Remove(folder);
        }
        return uses;
    }

    /// <summary>The source without comments and string literals, where a folder's name is only prose.</summary>
    private static string Code(string source) => Literals().Replace(source, "\"\"");

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(LauncherDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));

    private static string LauncherDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (Directory.Exists(Path.Join(dir.FullName, "ClaudeBottle.Launcher")))
                    return Path.Join(dir.FullName, "ClaudeBottle.Launcher");
            throw new InvalidOperationException("cannot find ClaudeBottle.Launcher above the test assembly");
        }
    }

    [GeneratedRegex(@"ClaudeBottle\.Launcher\.(\w+)")]
    private static partial Regex Qualified();

    /// <summary>A folder's namespace named relative to the Launcher's: <c>Planning.PipelockImage</c>.</summary>
    [GeneratedRegex(@"(?<![\w.])(\w+)\.[A-Z]\w*")]
    private static partial Regex Relative();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|@""(?:[^""]|"""")*""|""""""[\s\S]*?""""""|""(?:\\.|[^""\\\n])*""|'(?:\\.|[^'\\\n])'", RegexOptions.Singleline)]
    private static partial Regex Literals();
}
