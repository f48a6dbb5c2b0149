using System.Text.Json;

namespace ClaudeBottle.Launcher.Telemetry;

/// <summary>
/// One decision of a bottle's proxies, read from a JSON log line of pipelock (v2.3.0 <c>internal/audit/logger.go</c>) or of
/// the edge, which writes pipelock's field names: <c>allowed</c>, <c>forward_http</c> and <c>tunnel_open</c> let a request
/// out; <c>flagged</c> let it out with a finding (<see cref="Flagged"/>); <c>blocked</c> stopped one. <see cref="Rule"/>
/// names the manifest's rule that refused it, when one did. The edge's <c>allowed_live</c> is no request: it says the
/// edge has taken a host allowed from the dashboard into its allowlist (<see cref="Live"/>).
/// </summary>
public sealed record EgressDecision(bool Allowed, string Host, string? Method, string? Target, string? Scanner, string? Reason, DateTimeOffset Time,
    string? Rule = null, bool Flagged = false, bool Live = false)
{
    /// <summary>The decision in <paramref name="line"/>, or null for any other line (startup, tunnel close, errors, text).</summary>
    public static EgressDecision? TryParse(string line)
    {
        if (line.Length == 0 || line[0] != '{')
            return null;
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return null;
            bool allowed, flagged = false, live = false;
            switch (Text(root, "event"))
            {
                case "allowed" or "forward_http" or "tunnel_open":
                    allowed = true;
                    break;
                case "flagged":
                    (allowed, flagged) = (true, true);
                    break;
                case "blocked":
                    allowed = false;
                    break;
                case "allowed_live":
                    (allowed, live) = (true, true);
                    break;
                default:
                    return null;
            }
            // pipelock writes a URL as "url" and a CONNECT's host:port as "target"; either may be absent.
            var target = Text(root, "url") ?? Text(root, "target");
            if (target is null || HostOf(target) is not { } host)
                return null;
            var time = Text(root, "time") is { } t && DateTimeOffset.TryParse(t, out var parsed) ? parsed : DateTimeOffset.UtcNow;
            return new EgressDecision(allowed, host, Text(root, "method"), target, Text(root, "scanner") is { Length: > 0 } s ? s : null,
                Text(root, "reason"), time, Text(root, "rule") is { Length: > 0 } rule ? rule : null, flagged, live);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The host of a URL or of a <c>host:port</c> target, lower-case.</summary>
    internal static string? HostOf(string target)
    {
        if (target.Contains("://", StringComparison.Ordinal))
            return Uri.TryCreate(target, UriKind.Absolute, out var uri) && uri.Host.Length > 0 ? uri.Host.ToLowerInvariant() : null;
        if (Uri.TryCreate($"tcp://{target}", UriKind.Absolute, out var authority) && authority.Host.Length > 0)
            return authority.Host.ToLowerInvariant();
        return null;
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
