using System.Text.Json.Nodes;

namespace AnthropicStandIn;

/// <summary>Server-sent events, flushed one at a time, each after an optional pause.</summary>
public sealed class EventStream(HttpResponse response, int delayMs)
{
    public async Task SendAsync(string name, JsonObject data, CancellationToken ct)
    {
        if (delayMs > 0)
            await Task.Delay(delayMs, ct);
        await response.WriteAsync($"event: {name}\ndata: {data.ToJsonString()}\n\n", ct);
        await response.Body.FlushAsync(ct);
    }
}
