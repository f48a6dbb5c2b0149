using Microsoft.Extensions.Configuration;

namespace ClaudeBottle.ServiceDefaults;

/// <summary>
/// Where a process sends its OTLP: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> when set (the standard variable: a collector the
/// operator names), else, in an Aspire app host, its own dashboard's OTLP endpoints. The dashboard's API key goes only
/// to the dashboard: each run has a key of its own, so a variable inherited from another run reaches a dashboard that
/// refuses this run's telemetry rather than one that shows it.
/// </summary>
public sealed record OtlpDestination(Uri Endpoint, bool IsHttp, string? ApiKey)
{
    /// <summary>The header the Aspire dashboard reads its OTLP API key from.</summary>
    public const string ApiKeyHeader = "x-otlp-api-key";

    /// <summary>The destination for any protocol, or null when nobody listens.</summary>
    public static OtlpDestination? Resolve(IConfiguration configuration)
    {
        if (NonEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) is { } endpoint)
            return new(new Uri(endpoint), IsHttpProtocol(configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]), ApiKey: null);
        var apiKey = NonEmpty(configuration["AppHost:OtlpApiKey"]);
        if (Setting(configuration, "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", "DOTNET_DASHBOARD_OTLP_ENDPOINT_URL") is { } grpc)
            return new(new Uri(grpc), IsHttp: false, apiKey);
        if (Setting(configuration, "ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", "DOTNET_DASHBOARD_OTLP_HTTP_ENDPOINT_URL") is { } http)
            return new(new Uri(http), IsHttp: true, apiKey);
        return null;
    }

    /// <summary>An OTLP/HTTP destination (what a relay of raw protobuf bodies needs), or null when there is none.</summary>
    public static OtlpDestination? ResolveHttp(IConfiguration configuration)
    {
        if (NonEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) is { } endpoint)
            return IsHttpProtocol(configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]) ? new(new Uri(endpoint), IsHttp: true, ApiKey: null) : null;
        var apiKey = NonEmpty(configuration["AppHost:OtlpApiKey"]);
        if (Setting(configuration, "ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", "DOTNET_DASHBOARD_OTLP_HTTP_ENDPOINT_URL") is { } http)
            return new(new Uri(http), IsHttp: true, apiKey);
        return null;
    }

    // Aspire reads the legacy DOTNET_ name when the ASPIRE_ one is not set; so does this.
    private static string? Setting(IConfiguration configuration, string name, string legacy) =>
        NonEmpty(configuration[name]) ?? NonEmpty(configuration[legacy]);

    /// <summary>The URL of one signal (<c>traces</c>, <c>logs</c>, <c>metrics</c>) on an OTLP/HTTP destination.</summary>
    public Uri SignalUrl(string signal) => new($"{Endpoint.AbsoluteUri.TrimEnd('/')}/v1/{signal}");

    private static bool IsHttpProtocol(string? protocol) => protocol is not null && protocol.StartsWith("http/", StringComparison.OrdinalIgnoreCase);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>Never shows the API key.</summary>
    public override string ToString() => $"{Endpoint} ({(IsHttp ? "OTLP/HTTP" : "OTLP/gRPC")}{(ApiKey is null ? "" : ", with API key")})";
}
