using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AnthropicStandIn;

/// <summary>
/// What the stand-in answers, in order: each request to /v1/messages takes the first step not yet used whose
/// <see cref="ScriptStep.Match"/> (if any) occurs in the request's body; when none is left, the fallback answers.
/// </summary>
public sealed class ApiScript
{
    public List<ScriptStep> Steps { get; init; } = [];

    public ScriptStep Fallback { get; init; } = new() { Text = "(the stand-in API has no scripted answer left)" };

    private readonly Lock _gate = new();
    private readonly HashSet<int> _used = [];

    public static ApiScript Load(string? path) => path is null || !File.Exists(path)
        ? new ApiScript()
        : JsonSerializer.Deserialize<ApiScript>(File.ReadAllText(path), Json) ?? new ApiScript();

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The step that answers a request with <paramref name="body"/>, and its position (-1: the fallback).</summary>
    public (ScriptStep Step, int Index) Take(string body)
    {
        lock (_gate)
        {
            for (var i = 0; i < Steps.Count; i++)
            {
                if (_used.Contains(i) || (Steps[i].Match is { } match && !body.Contains(match, StringComparison.Ordinal)))
                    continue;
                _used.Add(i);
                return (Steps[i], i);
            }
            return (Fallback, -1);
        }
    }
}

/// <summary>One answer: an error, or a message of text and tool calls, streamed with an optional delay between events.</summary>
public sealed class ScriptStep
{
    /// <summary>Only a request whose body contains this text takes the step.</summary>
    public string? Match { get; init; }

    public string? Text { get; init; }

    public List<ToolCall> ToolUse { get; init; } = [];

    public ScriptError? Error { get; init; }

    /// <summary>A pause before each streamed event: a slow stream.</summary>
    public int DelayMs { get; init; }
}

public sealed record ToolCall(string Name, JsonObject Input);

public sealed record ScriptError(int Status, string Type, string Message);
