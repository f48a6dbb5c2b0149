using System.Net;
using System.Net.Sockets;
using ClaudeBottle.Launcher.Telemetry.Otlp;

namespace ClaudeBottle.Integration.Tests.Telemetry;

/// <summary>
/// An OTLP/HTTP endpoint of the test's own on loopback, standing in for the dashboard: it keeps every log record and
/// span it is sent, decoded, with its resource's attributes.
/// </summary>
internal sealed class OtlpReceiver : IDisposable
{
    public sealed record Log(IReadOnlyDictionary<string, string> Resource, IReadOnlyDictionary<string, string> Attributes, string Body, string Severity);

    public sealed record Metric(IReadOnlyDictionary<string, string> Resource, string Name);

    public sealed record Span(IReadOnlyDictionary<string, string> Resource, string Name, string TraceId, string SpanId, string ParentSpanId,
        IReadOnlyDictionary<string, string> Attributes);

    private readonly HttpListener _listener = new();
    private readonly List<Log> _logs = [];
    private readonly List<Span> _spans = [];
    private readonly List<Metric> _metrics = [];

    public OtlpReceiver()
    {
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add($"{Url}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public IReadOnlyList<Log> Logs { get { lock (_logs) return [.. _logs]; } }

    public IReadOnlyList<Span> Spans { get { lock (_spans) return [.. _spans]; } }

    public IReadOnlyList<Metric> Metrics { get { lock (_metrics) return [.. _metrics]; } }

    /// <summary>Waits until what was received satisfies <paramref name="done"/>; fails with <paramref name="what"/> otherwise.</summary>
    public async Task WaitAsync(Func<OtlpReceiver, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!done(this))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the OTLP receiver did not get {what}; it has {Logs.Count} log records " +
                                           $"({string.Join(" | ", Logs.Select(l => $"{l.Resource.GetValueOrDefault("service.name")}: {l.Body}"))}) " +
                                           $"and spans {string.Join(", ", Spans.Select(s => s.Name))}");
            await Task.Delay(200);
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            try
            {
                Record(context.Request.Url!.AbsolutePath, body.ToArray());
                context.Response.StatusCode = 200;
            }
            catch (Exception)
            {
                context.Response.StatusCode = 400;
            }
            context.Response.Close();
        }
    }

    private void Record(string path, byte[] body)
    {
        switch (path)
        {
            case "/v1/logs":
                foreach (var resourceLogs in ExportLogsServiceRequest.Parser.ParseFrom(body).ResourceLogs)
                    foreach (var record in resourceLogs.ScopeLogs.SelectMany(s => s.LogRecords))
                        lock (_logs)
                            _logs.Add(new Log(Attributes(resourceLogs.Resource?.Attributes), Attributes(record.Attributes), record.Body?.StringValue ?? "", record.SeverityText));
                break;
            case "/v1/traces":
                foreach (var resourceSpans in ExportTraceServiceRequest.Parser.ParseFrom(body).ResourceSpans)
                    foreach (var span in resourceSpans.ScopeSpans.SelectMany(s => s.Spans))
                        lock (_spans)
                            _spans.Add(new Span(Attributes(resourceSpans.Resource?.Attributes), span.Name, Convert.ToHexStringLower(span.TraceId.Span),
                                Convert.ToHexStringLower(span.SpanId.Span), Convert.ToHexStringLower(span.ParentSpanId.Span), Attributes(span.Attributes)));
                break;
            case "/v1/metrics":
                foreach (var resourceMetrics in ExportMetricsServiceRequest.Parser.ParseFrom(body).ResourceMetrics)
                    lock (_metrics)
                        _metrics.AddRange(resourceMetrics.ScopeMetrics.SelectMany(s => s.Metrics).Select(m => new Metric(Attributes(resourceMetrics.Resource?.Attributes), m.Name)));
                break;
            default:
                throw new InvalidOperationException($"not an OTLP path: {path}");
        }
    }

    private static Dictionary<string, string> Attributes(IEnumerable<KeyValue>? attributes) =>
        (attributes ?? []).GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.Last().Value?.StringValue ?? "");

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose() => _listener.Close();
}
