using ClaudeBottle.ServiceDefaults;
using Microsoft.Extensions.Configuration;

namespace ClaudeBottle.Launcher.Tests.Telemetry;

public sealed class OtlpDestinationTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Without_a_dashboard_the_standard_variable_is_the_destination()
    {
        var config = Config(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"));

        OtlpDestination.ResolveHttp(config)!.Endpoint.Should().Be(new Uri("http://collector:4318"));
        OtlpDestination.Resolve(config)!.IsHttp.Should().BeTrue();
    }

    /// <summary>A collector the operator names wins; the dashboard's key, which is this run's alone, never goes to it.</summary>
    [Fact]
    public void The_standard_variable_wins_and_never_receives_the_dashboards_key()
    {
        var config = Config(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            ("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", "http://127.0.0.1:40001"), ("ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", "http://127.0.0.1:40002"),
            ("AppHost:OtlpApiKey", "s3cret"));

        OtlpDestination.Resolve(config).Should().Be(new OtlpDestination(new Uri("http://collector:4318"), IsHttp: true, ApiKey: null));
        OtlpDestination.ResolveHttp(config).Should().Be(new OtlpDestination(new Uri("http://collector:4318"), IsHttp: true, ApiKey: null));
    }

    [Fact]
    public void The_legacy_dashboard_names_count_as_Aspire_counts_them()
    {
        var config = Config(("DOTNET_DASHBOARD_OTLP_ENDPOINT_URL", "http://127.0.0.1:40001"), ("DOTNET_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", "http://127.0.0.1:40002"));

        OtlpDestination.Resolve(config)!.Endpoint.Should().Be(new Uri("http://127.0.0.1:40001"));
        OtlpDestination.ResolveHttp(config)!.Endpoint.Should().Be(new Uri("http://127.0.0.1:40002"));
        OtlpDestination.ResolveHttp(Config(("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", "http://127.0.0.1:40001"))).Should().BeNull("a dashboard without OTLP/HTTP gives the relay nowhere");
    }

    [Fact]
    public void A_grpc_only_destination_gives_traces_a_target_but_the_relay_none()
    {
        var config = Config(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"));

        OtlpDestination.Resolve(config).Should().Be(new OtlpDestination(new Uri("http://collector:4317"), IsHttp: false, ApiKey: null));
        OtlpDestination.ResolveHttp(config).Should().BeNull();
    }

    [Fact]
    public void In_an_app_host_the_dashboard_is_the_destination_with_its_api_key()
    {
        var config = Config(("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", "https://localhost:21001"), ("ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", "https://localhost:21002"),
            ("AppHost:OtlpApiKey", "s3cret"));

        OtlpDestination.Resolve(config)!.IsHttp.Should().BeFalse("the dashboard's gRPC endpoint is preferred for the app host's own traces");
        var http = OtlpDestination.ResolveHttp(config)!;
        http.SignalUrl("logs").Should().Be(new Uri("https://localhost:21002/v1/logs"));
        http.ApiKey.Should().Be("s3cret");
        http.ToString().Should().NotContain("s3cret");
    }

    [Fact]
    public void Nothing_configured_means_no_destination() => OtlpDestination.Resolve(Config()).Should().BeNull();
}
