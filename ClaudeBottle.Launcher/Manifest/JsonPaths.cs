using System.Text.Json;
using System.Text.RegularExpressions;

namespace ClaudeBottle.Launcher.Manifest;

/// <summary>Builds the JSON paths that errors point at: <c>agents.reviewer.skills[0]</c>, <c>env["MY VAR"]</c>.</summary>
internal static partial class JsonPaths
{
    [GeneratedRegex("^[A-Za-z_$][A-Za-z0-9_$-]*$")]
    private static partial Regex PlainKey();

    public static string Child(string path, string key)
    {
        if (PlainKey().IsMatch(key))
            return path.Length == 0 ? key : $"{path}.{key}";
        return $"{path}[{JsonSerializer.Serialize(key)}]";
    }

    public static string Index(string path, int index) => $"{path}[{index}]";

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
