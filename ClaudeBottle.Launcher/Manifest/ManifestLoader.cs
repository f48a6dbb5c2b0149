using System.Text;
using System.Text.Json;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>Reads and validates <c>claude-bottle.json</c>. JSONC (comments, trailing commas) is accepted.</summary>
public static class ManifestLoader
{
    public const string DefaultFileName = "claude-bottle.json";

    /// <summary>A manifest is a short hand-written file; anything larger is a mistake, not a manifest.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>Deep nesting has no meaning in a manifest and only serves to exhaust a parser.</summary>
    public const int MaxDepth = 32;

    internal static readonly JsonDocumentOptions JsonOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = MaxDepth,
    };

    /// <summary>Loads the manifest at <paramref name="path"/>, or throws <see cref="ManifestException"/> with every problem.</summary>
    public static BottleManifest Load(string path)
    {
        var full = Path.GetFullPath(path);
        var info = new FileInfo(full);
        if (!info.Exists)
        {
            var hint = Directory.Exists(full) ? "it is a directory; name the manifest file inside it"
                : $"create one (see {DefaultFileName} in the claude-bottle repository) or pass --manifest PATH";
            throw Fail(path, $"no manifest at {full}; {hint}");
        }
        if (info.Length > MaxBytes)
            throw Fail(path, $"is {info.Length} bytes; a manifest may be at most {MaxBytes} bytes");
        return Parse(File.ReadAllBytes(full), path, Path.GetDirectoryName(full)!);
    }

    /// <summary>Validates manifest text; relative paths in it are taken from <paramref name="directory"/>.</summary>
    public static BottleManifest Parse(string json, string displayName, string directory) =>
        Parse(Encoding.UTF8.GetBytes(json), displayName, directory);

    private static BottleManifest Parse(byte[] utf8, string displayName, string directory)
    {
        if (utf8.Length > MaxBytes)
            throw Fail(displayName, $"is {utf8.Length} bytes; a manifest may be at most {MaxBytes} bytes");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, JsonOptions);
        }
        catch (JsonException e)
        {
            throw Fail(displayName, DescribeSyntaxError(e));
        }
        using (document)
        {
            var directoryFull = Path.GetFullPath(directory);
            var (manifest, errors) = ManifestReader.Read(document.RootElement, displayName,
                Path.Join(directoryFull, Path.GetFileName(displayName)), directoryFull);
            return manifest ?? throw new ManifestException(errors);
        }
    }

    private static string DescribeSyntaxError(JsonException e)
    {
        var where = e.LineNumber is { } line ? $" at line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}" : "";
        if (e.Message.Contains("maximum configured depth", StringComparison.OrdinalIgnoreCase))
            return $"nesting is deeper than the {MaxDepth} levels a manifest may use{where}";
        // The parser's first sentence says what it expected; the rest repeats the position.
        var reason = e.Message.Split(" LineNumber:", 2)[0].Split(" Path:", 2)[0].Trim();
        return $"is not valid JSON{where}: {reason}";
    }

    private static ManifestException Fail(string file, string message) => new([new ManifestError(file, "", message)]);
}
