using ClaudeBottle.Launcher.Telemetry.Otlp;

namespace ClaudeBottle.Launcher.Telemetry;

/// <summary>Egress decisions as OTLP log records, one resource per proxy.</summary>
internal static class EgressRecords
{
    public const string EventName = "claude_bottle.egress";

    /// <summary>
    /// Longest value a record carries (a URL, a reason): a request line of a megabyte makes a record of a few
    /// kilobytes, not of two megabytes, whatever the agent asks for.
    /// </summary>
    public const int MaxText = 2048;

    // OTLP severity numbers: INFO and WARN.
    private const int Info = 9;
    private const int Warn = 13;

    public static LogRecord ToLogRecord(TelemetrySource source, EgressDecision original)
    {
        var decision = original with
        {
            Host = Clip(original.Host)!, Method = Clip(original.Method), Target = Clip(original.Target), Scanner = Clip(original.Scanner), Reason = Clip(original.Reason),
            Rule = Clip(original.Rule),
        };
        var verb = decision.Live ? "allowed-live" : decision.Flagged ? "flagged" : decision.Allowed ? "allowed" : "blocked";
        var record = new LogRecord
        {
            TimeUnixNano = (ulong)(decision.Time.ToUnixTimeMilliseconds() * 1_000_000),
            ObservedTimeUnixNano = (ulong)(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000),
            SeverityNumber = decision.Allowed && !decision.Flagged ? Info : Warn,
            SeverityText = decision.Allowed && !decision.Flagged ? "Information" : "Warning",
            EventName = EventName,
            Body = new AnyValue
            {
                StringValue = $"{verb} {decision.Method} {decision.Target}{(decision.Reason is { } reason ? $": {reason}" : "")}{(decision.Rule is { } rule ? $" (rule {rule})" : "")}",
            },
        };
        record.Attributes.Add(Text(LaunchTracing.BottleAttribute, source.Bottle));
        record.Attributes.Add(Text("egress.decision", verb));
        record.Attributes.Add(Text("egress.host", decision.Host));
        // pipelock already reduced a URL that carried a secret to its scheme and host.
        if (decision.Target is { } target)
            record.Attributes.Add(Text("egress.target", target));
        if (decision.Method is { } method)
            record.Attributes.Add(Text("http.request.method", method));
        if (decision.Scanner is { } scanner)
            record.Attributes.Add(Text("egress.scanner", scanner));
        if (decision.Reason is { } why)
            record.Attributes.Add(Text("egress.reason", why));
        if (decision.Rule is { } name)
            record.Attributes.Add(Text("egress.rule", name));
        return record;
    }

    /// <summary>One export request, grouping records by their source.</summary>
    public static ExportLogsServiceRequest Request(IEnumerable<(TelemetrySource Source, LogRecord Record)> records)
    {
        var request = new ExportLogsServiceRequest();
        foreach (var group in records.GroupBy(r => r.Source))
        {
            var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = LaunchTracing.SourceName } };
            scope.LogRecords.AddRange(group.Select(r => r.Record));
            var resourceLogs = new ResourceLogs { Resource = OtlpRelay.Attribute(null, group.Key) };
            resourceLogs.ScopeLogs.Add(scope);
            request.ResourceLogs.Add(resourceLogs);
        }
        return request;
    }

    private static string? Clip(string? text) =>
        text is null || text.Length <= MaxText ? text : string.Concat(text.AsSpan(0, MaxText), "…");

    public static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };
}
