using Google.Protobuf;

namespace ClaudeBottle.Launcher.Telemetry.Otlp;

// The three OTLP export requests, seen alike: a batch of parts, each with the resource it came from.

/// <summary>A part of an export request that names its resource.</summary>
internal interface IResourceScoped
{
    Resource Resource { get; set; }
}

/// <summary>An export request (logs, traces or metrics).</summary>
internal interface IExportRequest : IMessage
{
    IEnumerable<IResourceScoped> Parts { get; }
}

internal sealed partial class ResourceLogs : IResourceScoped;

internal sealed partial class ResourceSpans : IResourceScoped;

internal sealed partial class ResourceMetrics : IResourceScoped;

internal sealed partial class ExportLogsServiceRequest : IExportRequest
{
    public IEnumerable<IResourceScoped> Parts => ResourceLogs;
}

internal sealed partial class ExportTraceServiceRequest : IExportRequest
{
    public IEnumerable<IResourceScoped> Parts => ResourceSpans;
}

internal sealed partial class ExportMetricsServiceRequest : IExportRequest
{
    public IEnumerable<IResourceScoped> Parts => ResourceMetrics;
}
