using System.Globalization;
using System.Text.Json;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// Turns Claude Code's <c>--output-format stream-json</c> lines into lines a person reads in the dashboard console:
/// assistant text, tool calls and their results, and the final outcome with cost and turns. Anything that is not a
/// stream-json event is shown as it is.
/// </summary>
public static class ClaudeStreamRenderer
{
    private const int MaxShown = 300;

    public static IEnumerable<string> Render(string line)
    {
        if (!line.StartsWith('{'))
            return [line];
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            // Materialised here: the lines read from the document, which is gone once this returns.
            return (String(root, "type") switch
            {
                "system" => System(root),
                "assistant" => Contents(root, Assistant),
                "user" => Contents(root, User),
                "result" => [Result(root)],
                "rate_limit_event" => RateLimit(root),
                _ => [line],
            }).ToList();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // An event of a shape this does not expect is shown as it came; it must never end the console.
            return [line];
        }
    }

    private static IEnumerable<string> System(JsonElement root) => String(root, "subtype") switch
    {
        "init" => Init(root),
        // Claude retries a failed API call by itself; a person watching should see why it is waiting.
        "api_retry" => [string.Create(CultureInfo.InvariantCulture,
            $"API error{(Number(root, "error_status") is { } status ? $" {status}" : "")} ({String(root, "error") ?? "unknown"}); " +
            $"retry {Number(root, "attempt") ?? 0} of {Number(root, "max_retries") ?? 0} in {(Number(root, "retry_delay_ms") ?? 0) / 1000:0.0} s")],
        _ => [],
    };

    private static IEnumerable<string> Init(JsonElement root)
    {
        yield return $"session started (model {String(root, "model") ?? "unknown"}, permission mode {String(root, "permissionMode") ?? "default"})";
        // The skills Claude found, the manifest's among them: the way to see that a skill was mounted where Claude looks.
        if (root.TryGetProperty("skills", out var skills) && skills.ValueKind == JsonValueKind.Array && skills.GetArrayLength() > 0)
            yield return $"skills: {string.Join(", ", skills.EnumerateArray().Select(s => s.ValueKind == JsonValueKind.String ? s.GetString() : s.GetRawText()))}";
    }

    /// <summary>Quiet while Claude is within its limits; a limit reached is worth a line.</summary>
    private static IEnumerable<string> RateLimit(JsonElement root) =>
        root.TryGetProperty("rate_limit_info", out var info) && String(info, "status") is { } status && status != "allowed"
            ? [$"rate limit: {status}"]
            : [];

    private static IEnumerable<string> Contents(JsonElement root, Func<JsonElement, IEnumerable<string>> render) =>
        root.TryGetProperty("message", out var message) && message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array
            ? content.EnumerateArray().SelectMany(render).ToList()
            : [];

    private static IEnumerable<string> Assistant(JsonElement block) => String(block, "type") switch
    {
        "text" => (String(block, "text") ?? "").Split('\n').Where(l => l.Length > 0).Select(l => $"assistant: {l}"),
        "tool_use" => [$"tool: {String(block, "name")} {Shorten(block.TryGetProperty("input", out var input) ? input.GetRawText() : "")}"],
        _ => [],
    };

    private static IEnumerable<string> User(JsonElement block)
    {
        if (String(block, "type") != "tool_result")
            return [];
        var failed = block.TryGetProperty("is_error", out var e) && e.ValueKind == JsonValueKind.True;
        var text = block.TryGetProperty("content", out var content)
            ? content.ValueKind == JsonValueKind.String
                ? content.GetString()!
                : string.Join(" ", content.EnumerateArray().Select(c => String(c, "text")).Where(t => t is not null))
            : "";
        return [$"{(failed ? "tool error" : "tool result")}: {Shorten(text.ReplaceLineEndings(" "))}"];
    }

    private static string Result(JsonElement root)
    {
        var failed = root.TryGetProperty("is_error", out var e) && e.ValueKind == JsonValueKind.True;
        // A failed API call ends with is_error set and subtype "success": its HTTP status says more.
        var why = Number(root, "api_error_status") is { } status ? $"API error {status:0}"
            : String(root, "subtype") is { } subtype && subtype != "success" ? subtype : "error";
        var parts = new List<string> { failed ? $"failed ({why})" : "done" };
        if (Number(root, "num_turns") is { } turns)
            parts.Add($"{turns:0} turn{(turns == 1 ? "" : "s")}");
        if (Number(root, "total_cost_usd") is { } usd)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"${usd:0.0000}"));
        if (Number(root, "duration_ms") is { } millis)
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{millis / 1000:0.0} s"));
        var result = String(root, "result") is { Length: > 0 } r ? $": {Shorten(r.ReplaceLineEndings(" "))}" : "";
        return string.Join(", ", parts) + result;
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() : null;

    private static double? Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) &&
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) ? number : null;

    private static string Shorten(string text) => text.Length <= MaxShown ? text : text[..(MaxShown - 3)] + "...";
}
