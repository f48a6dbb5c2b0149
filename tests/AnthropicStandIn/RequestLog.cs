using System.Text.Json;
using System.Text.Json.Nodes;

namespace AnthropicStandIn;

/// <summary>One JSON line on stdout per request: {"event":"request", method, path, host, authorization, ..., body}.</summary>
public static class RequestLog
{
    private static readonly Lock Gate = new();

    public static void Write(RecordedRequest request)
    {
        var line = new JsonObject
        {
            ["event"] = "request",
            ["method"] = request.Method,
            ["path"] = request.Path,
            ["host"] = request.Host,
            ["authorization"] = request.Authorization,
            ["apiKey"] = request.ApiKey,
            ["beta"] = request.Beta,
            ["body"] = request.Json() ?? (request.Body.Length == 0 ? null : JsonValue.Create(request.Body)),
        };
        var text = line.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        lock (Gate)
            Console.Out.WriteLine(text);
    }

    public static void Answer(int index, string kind)
    {
        lock (Gate)
            Console.Out.WriteLine(new JsonObject { ["event"] = "answer", ["step"] = index, ["kind"] = kind }.ToJsonString());
    }
}
