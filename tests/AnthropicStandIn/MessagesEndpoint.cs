using System.Text.Json.Nodes;

namespace AnthropicStandIn;

/// <summary>
/// POST /v1/messages as the Messages API answers it: a scripted error, or a message of text and tool_use blocks,
/// as server-sent events when the request asks for a stream and as one JSON message otherwise.
/// </summary>
public sealed class MessagesEndpoint(ApiScript script)
{
    private int _messages;
    private int _tools;

    public async Task AnswerAsync(RecordedRequest request, HttpResponse response, CancellationToken ct)
    {
        var body = request.Json();
        var (step, index) = script.Take(request.Body);
        if (step.Error is { } error)
        {
            RequestLog.Answer(index, "error");
            response.StatusCode = error.Status;
            response.ContentType = "application/json";
            await response.WriteAsync(new JsonObject
            {
                ["type"] = "error",
                ["error"] = new JsonObject { ["type"] = error.Type, ["message"] = error.Message },
            }.ToJsonString(), ct);
            return;
        }

        var model = body?["model"]?.GetValue<string>() ?? "claude-standin";
        var id = $"msg_standin_{Interlocked.Increment(ref _messages):D4}";
        var blocks = new List<JsonObject>();
        if (step.Text is { } text)
            blocks.Add(new JsonObject { ["type"] = "text", ["text"] = text });
        foreach (var call in step.ToolUse)
            blocks.Add(new JsonObject
            {
                ["type"] = "tool_use",
                ["id"] = $"toolu_standin_{Interlocked.Increment(ref _tools):D4}",
                ["name"] = call.Name,
                ["input"] = call.Input.DeepClone(),
            });
        var stopReason = step.ToolUse.Count > 0 ? "tool_use" : "end_turn";
        RequestLog.Answer(index, stopReason);

        if (body?["stream"]?.GetValue<bool>() != true)
        {
            response.ContentType = "application/json";
            var message = Message(id, model, stopReason);
            message["content"] = new JsonArray([.. blocks]);
            await response.WriteAsync(message.ToJsonString(), ct);
            return;
        }

        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var stream = new EventStream(response, step.DelayMs);
        await stream.SendAsync("message_start", new JsonObject { ["type"] = "message_start", ["message"] = Message(id, model, null) }, ct);
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = blocks[i];
            var isText = (string)block["type"]! == "text";
            var start = isText
                ? new JsonObject { ["type"] = "text", ["text"] = "" }
                : new JsonObject { ["type"] = "tool_use", ["id"] = block["id"]!.DeepClone(), ["name"] = block["name"]!.DeepClone(), ["input"] = new JsonObject() };
            await stream.SendAsync("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = i, ["content_block"] = start }, ct);
            foreach (var piece in isText ? Pieces((string)block["text"]!) : Pieces(block["input"]!.ToJsonString()))
            {
                var delta = isText
                    ? new JsonObject { ["type"] = "text_delta", ["text"] = piece }
                    : new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = piece };
                await stream.SendAsync("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = i, ["delta"] = delta }, ct);
            }
            await stream.SendAsync("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = i }, ct);
        }
        await stream.SendAsync("message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = stopReason, ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = 12 },
        }, ct);
        await stream.SendAsync("message_stop", new JsonObject { ["type"] = "message_stop" }, ct);
    }

    private static JsonObject Message(string id, string model, string? stopReason) => new()
    {
        ["id"] = id,
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = model,
        ["content"] = new JsonArray(),
        ["stop_reason"] = stopReason,
        ["stop_sequence"] = null,
        ["usage"] = new JsonObject { ["input_tokens"] = 25, ["output_tokens"] = 1, ["cache_creation_input_tokens"] = 0, ["cache_read_input_tokens"] = 0 },
    };

    /// <summary>Deltas of a few characters, as a real stream sends them.</summary>
    private static IEnumerable<string> Pieces(string text)
    {
        const int size = 16;
        for (var i = 0; i < text.Length; i += size)
            yield return text.Substring(i, Math.Min(size, text.Length - i));
    }
}
