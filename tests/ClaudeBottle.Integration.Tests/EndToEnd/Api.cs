using System.Text.Json.Nodes;

namespace ClaudeBottle.Integration.Tests.EndToEnd;

/// <summary>
/// Scripts for the stand-in API. Each request to the Messages API takes the first unused step whose <c>match</c>
/// (when given) occurs in the request's body: "tool_result" matches the request that carries a tool's output back.
/// </summary>
public static class Api
{
    public static JsonObject Script(params JsonObject[] steps) => new() { ["steps"] = new JsonArray([.. steps]) };

    /// <summary>The assistant says <paramref name="text"/> and ends its turn.</summary>
    public static JsonObject Say(string text, string? match = null) => Step(match, new JsonObject { ["text"] = text });

    /// <summary>The assistant says <paramref name="text"/> and calls <paramref name="tool"/> with <paramref name="input"/>.</summary>
    public static JsonObject Use(string text, string tool, JsonObject input, string? match = null) => Step(match, new JsonObject
    {
        ["text"] = text,
        ["toolUse"] = new JsonArray(new JsonObject { ["name"] = tool, ["input"] = input }),
    });

    /// <summary>The API answers with an HTTP error in the Messages API's format.</summary>
    public static JsonObject Fail(int status, string type, string message, string? match = null) => Step(match, new JsonObject
    {
        ["error"] = new JsonObject { ["status"] = status, ["type"] = type, ["message"] = message },
    });

    /// <summary>The same step, streamed with a pause before each event.</summary>
    public static JsonObject Slowly(this JsonObject step, TimeSpan pause)
    {
        step["delayMs"] = (int)pause.TotalMilliseconds;
        return step;
    }

    private static JsonObject Step(string? match, JsonObject step)
    {
        if (match is not null)
            step["match"] = match;
        return step;
    }
}
