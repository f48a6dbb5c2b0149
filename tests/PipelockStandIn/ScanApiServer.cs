using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PipelockStandIn;

/// <summary>
/// pipelock's scan API (docs/scan-api.md, internal/scanapi at v2.3.0): POST /api/v1/scan with a bearer token, kinds
/// url, dlp and prompt_injection, its limits and error codes, its response shape. Like pipelock, it writes no log line
/// per scan. One request per connection (the answer says Connection: close).
/// </summary>
internal static class ScanApiServer
{
    private static readonly string[] TopLevelKeys = ["kind", "input", "context", "options"];

    public static async Task RunAsync(ScanApiConfig config, CancellationToken stop)
    {
        var (host, port) = ProxyServer.SplitHostPort(config.Listen, 9090);
        var listener = new TcpListener(host is "0.0.0.0" or "" ? IPAddress.Any : IPAddress.Parse(host), port);
        listener.Start(128);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stop);
                _ = Task.Run(() => HandleAsync(client, config));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task HandleAsync(TcpClient client, ScanApiConfig config)
    {
        using var _ = client;
        var stream = client.GetStream();
        try
        {
            var (status, body) = await AnswerAsync(stream, config);
            var bytes = Encoding.UTF8.GetBytes(body.ToJsonString() + "\n");
            var reason = status switch { 200 => "OK", 400 => "Bad Request", 401 => "Unauthorized", 405 => "Method Not Allowed", _ => "Error" };
            var head = $"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(bytes);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    private static async Task<(int Status, JsonObject Body)> AnswerAsync(NetworkStream stream, ScanApiConfig config)
    {
        var (head, rest) = await HttpHead.ReadAsync(stream);
        if (head is null)
            return Error(400, "", "read_error", "Failed to read request body");
        var lines = head.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim().ToLowerInvariant()).ToDictionary(g => g.Key, g => g.First()[1].Trim());
        if (requestLine.Length != 3 || requestLine[0] != "POST")
            return Error(405, "", "method_not_allowed", "Only POST is accepted");
        if (requestLine[1].Split('?')[0] != "/api/v1/scan")
            return Error(404, "", "not_found", "404 page not found");
        var auth = headers.GetValueOrDefault("authorization", "");
        if (!(auth.Length > 7 && auth[..7].Equals("Bearer ", StringComparison.OrdinalIgnoreCase) && ValidToken(auth[7..], config)))
            return Error(401, "", "unauthorized", "Missing or invalid bearer token");

        if (!long.TryParse(headers.GetValueOrDefault("content-length"), out var length) || length < 0)
            return Error(400, "", "read_error", "Failed to read request body");
        if (length > config.MaxBodyBytes)
            return Error(400, "", "body_too_large", $"Request body exceeds {config.MaxBodyBytes} bytes");
        var body = new byte[length];
        rest.AsSpan(0, (int)Math.Min(rest.Length, length)).CopyTo(body);
        await stream.ReadExactlyAsync(body.AsMemory(Math.Min(rest.Length, (int)length)));

        JsonObject request;
        try
        {
            request = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("not an object");
            if (request.Select(p => p.Key).FirstOrDefault(k => !TopLevelKeys.Contains(k)) is { } unknown)
                throw new JsonException($"json: unknown field \"{unknown}\"");
        }
        catch (JsonException e)
        {
            return Error(400, "", "invalid_json", $"Invalid request: {e.Message}");
        }
        var kind = (string?)request["kind"] ?? "";
        if (kind is not ("url" or "dlp" or "prompt_injection" or "tool_call"))
            return Error(400, kind, "invalid_kind", $"Unknown kind \"{kind}\". Valid: url, dlp, prompt_injection, tool_call");
        if (!config.Kinds.Contains(kind))
            return Error(400, kind, "kind_disabled", $"Kind \"{kind}\" is disabled on this server");
        var (field, limit) = kind switch { "url" => ("url", config.UrlLimit), "dlp" => ("text", config.TextLimit), _ => ("content", config.ContentLimit) };
        var input = (string?)request["input"]?[field] ?? "";
        if (input.Length == 0)
            return Error(400, kind, "invalid_input", $"input.{field} is required for kind \"{kind}\"");
        if (Encoding.UTF8.GetByteCount(input) > limit)
            return Error(400, kind, "invalid_input", $"input.{field} exceeds field limit");
        if (kind == "url" && !(Uri.TryCreate(input, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0))
            return Error(400, kind, "invalid_input", "input.url must be a valid http:// or https:// URL with a host");

        var findings = new JsonArray();
        var (patterns, scanner, prefix) = kind == "prompt_injection" ? (ScanPatterns.Injection, "prompt_injection", "INJ-") : (ScanPatterns.Dlp, kind == "url" ? "url" : "dlp", "DLP-");
        foreach (var (name, regex) in patterns.Where(p => p.Regex.IsMatch(input)))
            findings.Add(new JsonObject
            {
                ["scanner"] = scanner,
                ["rule_id"] = kind == "url" ? "DLP-URL-Exfil" : prefix + name,
                ["severity"] = kind == "prompt_injection" ? "high" : "critical",
                ["message"] = kind == "prompt_injection" ? $"Prompt injection pattern matched: {name}" : $"Secret-like token detected ({name})",
            });
        var answer = new JsonObject
        {
            ["status"] = "completed",
            ["decision"] = findings.Count > 0 ? "deny" : "allow",
            ["kind"] = kind,
            ["scan_id"] = ScanId(),
        };
        if ((string?)request["context"]?["request_id"] is { Length: > 0 } requestId)
            answer["request_id"] = requestId;
        answer["engine_version"] = "standin";
        if (findings.Count > 0)
            answer["findings"] = findings;
        return (200, answer);
    }

    // System.Security.Cryptography needs libssl, which the stand-in's image does not have: compared and drawn by hand.
    private static bool ValidToken(string token, ScanApiConfig config)
    {
        var match = false;
        foreach (var expected in config.BearerTokens)
        {
            var difference = token.Length ^ expected.Length;
            for (var i = 0; i < expected.Length; i++)
                difference |= (i < token.Length ? token[i] : 0) ^ expected[i];
            match |= difference == 0;
        }
        return match;
    }

    private static string ScanId() => "scan-" + Random.Shared.NextInt64().ToString("x16");

    private static (int, JsonObject) Error(int status, string kind, string code, string message) => (status, new JsonObject
    {
        ["status"] = "error",
        ["kind"] = kind,
        ["scan_id"] = ScanId(),
        ["engine_version"] = "standin",
        ["errors"] = new JsonArray(new JsonObject { ["code"] = code, ["message"] = message, ["retryable"] = false }),
    });
}
