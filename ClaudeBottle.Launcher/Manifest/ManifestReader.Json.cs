using System.Collections.Immutable;
using System.Text.Json;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>Walking the JSON: properties, items, expected kinds, names and paths, each problem recorded with its path.</summary>
internal sealed partial class ManifestReader
{
    private bool CheckName(string name, string path)
    {
        if (NameRules.CheckResourceName(name) is not { } problem)
            return true;
        Error(path, problem);
        return false;
    }

    private static string DidYouMean(string typed, IEnumerable<string> candidates) =>
        Suggestions.Closest(typed, candidates) is { } s ? $" (did you mean '{s}'?)" : "";

    /// <summary>
    /// The properties of an object, reporting (and skipping) duplicates and, when <paramref name="known"/> is given,
    /// unknown keys.
    /// </summary>
    private IEnumerable<(string Key, JsonElement Value, string Path)> Properties(
        JsonElement element, string path, IReadOnlyCollection<string>? known)
    {
        if (!ExpectKind(element, path, JsonValueKind.Object))
            yield break;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var childPath = JsonPaths.Child(path, property.Name);
            if (!seen.Add(property.Name))
            {
                Error(childPath, $"'{NameRules.Printable(property.Name)}' appears more than once; keep one");
                continue;
            }
            if (known is not null && !known.Contains(property.Name))
            {
                var suggestion = Suggestions.Closest(property.Name, known);
                Error(childPath, suggestion is not null
                    ? $"unknown key '{NameRules.Printable(property.Name)}'; did you mean '{suggestion}'?"
                    : $"unknown key '{NameRules.Printable(property.Name)}'; expected one of: {string.Join(", ", known)}");
                continue;
            }
            yield return (property.Name, property.Value, childPath);
        }
    }

    private IEnumerable<(JsonElement Value, string Path)> Items(JsonElement element, string path)
    {
        if (!ExpectKind(element, path, JsonValueKind.Array))
            yield break;
        var i = 0;
        foreach (var item in element.EnumerateArray())
            yield return (item, JsonPaths.Index(path, i++));
    }

    private bool ExpectKind(JsonElement element, string path, JsonValueKind kind)
    {
        if (element.ValueKind == kind)
            return true;
        Error(path, $"must be {JsonPaths.Describe(kind)}, not {JsonPaths.Describe(element.ValueKind)}");
        return false;
    }

    private string? ExpectString(JsonElement element, string path) =>
        ExpectKind(element, path, JsonValueKind.String) ? element.GetString() : null;

    private string? ExpectPath(JsonElement element, string path)
    {
        if (ExpectString(element, path) is not { } text)
            return null;
        if (string.IsNullOrWhiteSpace(text))
        {
            Error(path, "is empty; give a path");
            return null;
        }
        if (text.Contains('\0'))
        {
            Error(path, "contains a NUL character");
            return null;
        }
        return text;
    }

    private static string Shown(JsonElement value) =>
        value.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? JsonPaths.Describe(value.ValueKind) : value.GetRawText();
}
