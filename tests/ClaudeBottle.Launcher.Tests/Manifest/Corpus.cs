namespace ClaudeBottle.Launcher.Tests.Manifest;

/// <summary>
/// The manifest corpus: <c>Corpus/valid/*.jsonc</c> load; each <c>Corpus/invalid/*.jsonc</c> states the errors it
/// must produce in <c>// expect: PATH | MESSAGE FRAGMENT</c> lines, and <c>// schema: cannot</c> when the JSON
/// Schema cannot see the problem (it needs the file system or a cross-reference).
/// </summary>
internal static class Corpus
{
    public static string File(string kind, string name) => TestFiles.Output("Corpus", kind, name);

    public static TheoryData<string> Names(string kind)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(TestFiles.Output("Corpus", kind), "*.jsonc").Order(StringComparer.Ordinal))
            data.Add(System.IO.Path.GetFileName(file));
        return data;
    }

    public static IReadOnlyList<(string Path, string Message)> Expectations(string file) =>
        System.IO.File.ReadLines(file)
            .Where(l => l.StartsWith("// expect: ", StringComparison.Ordinal))
            .Select(l => l["// expect: ".Length..].Split(" | ", 2))
            .Select(p => (p[0], p[1]))
            .ToList();

    public static bool SchemaCannotSee(string file) =>
        System.IO.File.ReadLines(file).Any(l => l.StartsWith("// schema: cannot", StringComparison.Ordinal));
}
