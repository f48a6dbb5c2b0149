using Microsoft.Extensions.Configuration;

namespace ClaudeBottle.ServiceDefaults;

/// <summary>
/// Where a process sends its OTLP: in an Aspire app host, its own dashboard's OTLP endpoints; else
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (the standard variable, which Aspire sets for the processes it runs). An app host
/// never follows that variable while it has a dashboard: inherited from whatever started it (a shell inside another
/// run, say), it would send this run's telemetry to someone else's dashboard.
/// </summary>
public sealed record OtlpDestination(Uri Endpoint, bool IsHttp, string? ApiKey)
{
    /// <summary>The header the Aspire dashboard reads its OTLP API key from.</summary>
    public const string ApiKeyHeader = "x-otlp-api-key";

    /// <summary>The destination for any protocol, or null when nobody listens.</summary>
    public static OtlpDestination? Resolve(IConfiguration configuration)
    {
        var apiKey = NonEmpty(configuration["AppHost:OtlpApiKey"]);
        if (Setting(configuration, "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", "DOTNET_DASHBOARD_OTLP_ENDPOINT_URL") is { } grpc)
            return new(new Uri(grpc), IsHttp: false, apiKey);
        if (Setting(configuration, "ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", "DOTNET_DASHBOARD_OTLP_HTTP_ENDPOINT_URL") is { } http)
            return new(new Uri(http), IsHttp: true, apiKey);
        if (NonEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) is { } endpoint)
            return new(new Uri(endpoint), IsHttpProtocol(configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]), apiKey);
        return null;
    }

    /// <summary>An OTLP/HTTP destination (what a relay of raw protobuf bodies needs), or null when there is none.</summary>
    public static OtlpDestination? ResolveHttp(IConfiguration configuration)
    {
        var apiKey = NonEmpty(configuration["AppHost:OtlpApiKey"]);
        if (Setting(configuration, "ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", "DOTNET_DASHBOARD_OTLP_HTTP_ENDPOINT_URL") is { } http)
            return new(new Uri(http), IsHttp: true, apiKey);
        // A dashboard with only a gRPC endpoint: the relay has nowhere of this run's to go.
        if (Setting(configuration, "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", "DOTNET_DASHBOARD_OTLP_ENDPOINT_URL") is not null)
            return null;
        if (NonEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) is { } endpoint && IsHttpProtocol(configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]))
            return new(new Uri(endpoint), IsHttp: true, apiKey);
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
