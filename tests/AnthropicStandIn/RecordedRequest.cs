using System.Text.Json.Nodes;

namespace AnthropicStandIn;

/// <summary>A request as the stand-in saw it: what a test asserts about what Claude sent.</summary>
public sealed record RecordedRequest(string Method, string Path, string? Host, string? Authorization, string? ApiKey, string? Beta, string Body)
{
    public static async Task<RecordedRequest> ReadAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        return new RecordedRequest(request.Method, request.Path + request.QueryString, request.Host.Value,
            request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null,
            request.Headers["x-api-key"].ToString() is { Length: > 0 } key ? key : null,
            request.Headers["anthropic-beta"].ToString() is { Length: > 0 } beta ? beta : null,
            body);
    }

    /// <summary>The parsed body, or null when it is not JSON.</summary>
    public JsonNode? Json()
    {
        try
        {
            return Body.Length == 0 ? null : JsonNode.Parse(Body);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
