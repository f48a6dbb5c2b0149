using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ClaudeBottle.ServiceDefaults;

/// <summary>OpenTelemetry (exported over OTLP when an endpoint is configured) and health-check defaults.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Tag for checks that say whether the process is alive, as opposed to ready.</summary>
    public const string LiveTag = "live";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, params string[] activitySources)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry(activitySources);
        builder.AddDefaultHealthChecks();
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder, params string[] activitySources)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddHttpClientInstrumentation().AddRuntimeInstrumentation())
            .WithTracing(tracing => tracing.AddSource(activitySources).AddHttpClientInstrumentation());

        // Export only where someone listens: Aspire sets OTEL_EXPORTER_OTLP_ENDPOINT for the processes it runs.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        return builder;
    }

    /// <summary>
    /// Traces from <paramref name="activitySources"/>, exported over OTLP to <see cref="OtlpDestination.Resolve"/>: in an
    /// Aspire app host, which no one configures as a resource, that is the dashboard.
    /// </summary>
    public static IServiceCollection AddTraceExport(this IServiceCollection services, IConfiguration configuration, string serviceName,
        params string[] activitySources)
    {
        if (OtlpDestination.Resolve(configuration) is not { } destination)
            return services;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing.AddSource(activitySources).AddOtlpExporter(otlp =>
            {
                // Set in code, an OTLP/HTTP endpoint is the signal's full URL.
                otlp.Endpoint = destination.IsHttp ? destination.SignalUrl("traces") : destination.Endpoint;
                otlp.Protocol = destination.IsHttp ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                if (destination.ApiKey is { } key)
                    otlp.Headers = $"{OtlpDestination.ApiKeyHeader}={key}";
                // A batch the collector answers slowly (a machine busy starting bottles) is waited for, not dropped: a
                // launch trace with steps missing tells a person the wrong story.
                otlp.TimeoutMilliseconds = 30_000;
            }));
        return services;
    }

    /// <summary>
    /// Starts the trace export (when <see cref="AddTraceExport"/> set one up) now, rather than when the host starts its
    /// services: spans made before then would not be exported.
    /// </summary>
    public static void StartTraceExport(this IServiceProvider services) => services.GetService<OpenTelemetry.Trace.TracerProvider>();

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }
}
