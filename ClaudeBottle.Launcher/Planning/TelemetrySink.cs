using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Planning;

/// <summary>
/// The bottle's telemetry sink: a container on the bottle's internal network only, answering OTLP/HTTP as
/// <c>otel:4318</c>. Claude Code exports to it; it writes what it receives to its output, which the app host reads
/// through the engine and relays to the dashboard. It has no route anywhere, so telemetry opens no way out of the
/// bottle and no way to the host: the one thing that talks to the dashboard is the app host.
/// </summary>
public static class TelemetrySink
{
    /// <summary>The attribute naming the bottle, on spans and on every telemetry record relayed for it.</summary>
    public const string BottleAttribute = "bottle.name";

    /// <summary>The sink's alias on the internal network.</summary>
    public const string Host = "otel";

    public const int Port = 4318;

    /// <summary>Where the sink's image keeps the sink (docker/sink/otlp-sink.mjs).</summary>
    public const string Script = "/usr/local/lib/claude-bottle/otlp-sink.mjs";

    public static string Endpoint => $"http://{Host}:{Port}";

    /// <summary>The sink runs from its own image (Node and the script), as nobody, with nothing writable.</summary>
    public static ContainerSpec Spec(string name, string image, string internalNetwork, IReadOnlyDictionary<string, string> labels) => new()
    {
        Name = name,
        Image = image,
        Entrypoint = ["node"],
        Command = ["--max-old-space-size=64", Script],
        Labels = labels,
        Network = internalNetwork,
        NetworkAliases = [Host],
        User = "65534:65534",
        ReadOnlyRootFilesystem = true,
        DropAllCapabilities = true,
        NoNewPrivileges = true,
        // Killed by its memory limit under a flood, it comes back; the app host follows it again.
        RestartUnlessStopped = true,
        MemoryBytes = 128L * 1024 * 1024,
        Pids = 32,
        Cpus = 0.5,
    };

    /// <summary>
    /// Claude Code's OpenTelemetry settings: metrics and events to the sink, labelled with the bottle; for a headless
    /// run also traces, as a child of <paramref name="traceParent"/> (the bottle's launch span).
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string>> AgentEnvironment(ResolvedBottle bottle, string? traceParent)
    {
        yield return new("CLAUDE_CODE_ENABLE_TELEMETRY", "1");
        yield return new("OTEL_METRICS_EXPORTER", "otlp");
        yield return new("OTEL_LOGS_EXPORTER", "otlp");
        yield return new("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        yield return new("OTEL_EXPORTER_OTLP_ENDPOINT", Endpoint);
        // Claude's default is a minute; the dashboard is for watching now.
        yield return new("OTEL_METRIC_EXPORT_INTERVAL", "10000");
        yield return new("OTEL_RESOURCE_ATTRIBUTES", $"{TelemetrySink.BottleAttribute}={bottle.Name}");
        if (bottle.IsHeadless)
        {
            yield return new("CLAUDE_CODE_ENHANCED_TELEMETRY_BETA", "1");
            yield return new("OTEL_TRACES_EXPORTER", "otlp");
            if (traceParent is not null)
                yield return new("TRACEPARENT", traceParent);
        }
    }
}
