using Microsoft.Extensions.Configuration;

namespace ClaudeBottle.ServiceDefaults;

/// <summary>
/// Where a process sends its OTLP: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> when set (the standard variable, also set by
/// Aspire for the processes it runs), else, in an Aspire app host, the dashboard's own OTLP endpoints.
/// </summary>
public sealed record OtlpDestination(Uri Endpoint, bool IsHttp, string? ApiKey)
{
    /// <summary>The header the Aspire dashboard reads its OTLP API key from.</summary>
    public const string ApiKeyHeader = "x-otlp-api-key";

    /// <summary>The destination for any protocol, or null when nobody listens.</summary>
    public static OtlpDestination? Resolve(IConfiguration configuration)
    {
        var apiKey = NonEmpty(configuration["AppHost:OtlpApiKey"]);
        if (NonEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) is { } endpoint)
            return new(new Uri(endpoint), IsHttpProtocol(configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]), apiKey);
        if (NonEmpty(configuration["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"]) is { } grpc)
            return new(new Uri(grpc), IsHttp: false, apiKey);
        if (NonEmpty(configuration["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"]) is { } http)
            return new(new Uri(http), IsHttp: true, apiKey);
        return null;
    }

    /// <summary>An OTLP/HTTP destination (what a relay of raw protobuf bodies needs), or null when there is none.</summary>
    public static OtlpDestination? ResolveHttp(IConfiguration configuration)
    {
        var apiKey = NonEmpty(configuration["AppHost:OtlpApiKey"]);
        if (NonEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) is { } endpoint && IsHttpProtocol(configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]))
            return new(new Uri(endpoint), IsHttp: true, apiKey);
        if (NonEmpty(configuration["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"]) is { } http)
            return new(new Uri(http), IsHttp: true, apiKey);
        return null;
    }

    /// <summary>The URL of one signal (<c>traces</c>, <c>logs</c>, <c>metrics</c>) on an OTLP/HTTP destination.</summary>
    public Uri SignalUrl(string signal) => new($"{Endpoint.AbsoluteUri.TrimEnd('/')}/v1/{signal}");

    private static bool IsHttpProtocol(string? protocol) => protocol is not null && protocol.StartsWith("http/", StringComparison.OrdinalIgnoreCase);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>Never shows the API key.</summary>
    public override string ToString() => $"{Endpoint} ({(IsHttp ? "OTLP/HTTP" : "OTLP/gRPC")}{(ApiKey is null ? "" : ", with API key")})";
}
