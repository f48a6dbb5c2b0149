using System.Net;
using ClaudeBottle.Launcher.Telemetry;
using ClaudeBottle.Launcher.Telemetry.Otlp;
using ClaudeBottle.ServiceDefaults;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClaudeBottle.Launcher.Tests.Telemetry;

public sealed class OtlpRelayTests
{
    private static readonly TelemetrySource Agent = new("reviewer-agent", "reviewer");

    private static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    /// <summary>What an agent could send: someone else's identity, its own attributes, and a field our subset does not name.</summary>
    private static byte[] ForeignLogs(byte[] unknownField)
    {
        var resource = new Resource();
        resource.Attributes.Add(Text("service.name", "aspire-dashboard"));
        resource.Attributes.Add(Text("service.instance.id", "other"));
        resource.Attributes.Add(Text("bottle.name", "someone-else"));
        resource.Attributes.Add(Text("os.type", "linux"));
        var record = new LogRecord { Body = new AnyValue { StringValue = "claude_code.api_request" } };
        var scope = new ScopeLogs();
        scope.LogRecords.Add(record);
        var logs = new ResourceLogs { Resource = resource };
        logs.ScopeLogs.Add(scope);
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(logs);
        return [.. request.ToByteArray(), .. unknownField];
    }

    [Fact]
    public void Relayed_telemetry_takes_its_bottles_identity_and_keeps_the_rest()
    {
        // Field 7 of ExportLogsServiceRequest, length-delimited: absent from our subset, so it must pass through untouched.
        byte[] unknown = [0x3a, 0x04, 0xde, 0xad, 0xbe, 0xef];

        var (signal, body) = OtlpRelay.RewriteLine(Agent, $"otlp logs {Convert.ToBase64String(ForeignLogs(unknown))}")!.Value;

        signal.Should().Be("logs");
        var parsed = ExportLogsServiceRequest.Parser.ParseFrom(body);
        var attributes = parsed.ResourceLogs.Single().Resource.Attributes.ToDictionary(a => a.Key, a => a.Value.StringValue);
        attributes.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["service.name"] = "reviewer-agent",
            ["bottle.name"] = "reviewer",
            ["os.type"] = "linux",
        });
        parsed.ResourceLogs.Single().ScopeLogs.Single().LogRecords.Single().Body.StringValue.Should().Be("claude_code.api_request");
        Convert.ToHexString(body).Should().Contain(Convert.ToHexString(unknown));
    }

    [Fact]
    public void Traces_and_metrics_are_attributed_too()
    {
        var traces = new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { ScopeSpans = { new ScopeSpans { Spans = { new Span { Name = "claude_code.interaction" } } } } } } };
        var metrics = new ExportMetricsServiceRequest { ResourceMetrics = { new ResourceMetrics { Resource = new Resource { Attributes = { Text("service.name", "x") } } } } };

        var t = OtlpRelay.RewriteLine(Agent, $"otlp traces {Convert.ToBase64String(traces.ToByteArray())}")!.Value;
        var m = OtlpRelay.RewriteLine(Agent, $"otlp metrics {Convert.ToBase64String(metrics.ToByteArray())}")!.Value;

        var span = ExportTraceServiceRequest.Parser.ParseFrom(t.Body).ResourceSpans.Single();
        span.Resource.Attributes.Should().ContainEquivalentOf(Text("service.name", "reviewer-agent"));
        span.ScopeSpans.Single().Spans.Single().Name.Should().Be("claude_code.interaction");
        ExportMetricsServiceRequest.Parser.ParseFrom(m.Body).ResourceMetrics.Single().Resource.Attributes
            .Should().ContainEquivalentOf(Text("service.name", "reviewer-agent")).And.HaveCount(2);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("otlp profiles AAAA")]
    [InlineData("otlp logs not*base64")]
    [InlineData("otlp logs /////w==")] // a field tag of 0: not protobuf
    [InlineData("otlp logs")]
    public void Anything_else_is_dropped(string line) => OtlpRelay.RewriteLine(Agent, line).Should().BeNull();

    [Fact]
    public void An_oversized_line_is_dropped_unread() =>
        OtlpRelay.RewriteLine(Agent, "otlp logs " + new string('A', OtlpRelay.MaxLineLength)).Should().BeNull();

    private sealed class Recorder : HttpMessageHandler
    {
        public List<(Uri Url, string? ContentType, string? ApiKey, byte[] Body)> Requests { get; } = [];
        public TaskCompletionSource Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var key = request.Headers.TryGetValues(OtlpDestination.ApiKeyHeader, out var values) ? values.Single() : null;
            var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            lock (Requests)
                Requests.Add((request.RequestUri!, request.Content.Headers.ContentType?.MediaType, key, body));
            Received.TrySetResult();
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }

    private sealed class LateEndpoint(int failures) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            ++Calls <= failures ? throw new HttpRequestException("Connection refused") : Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
    }

    [Fact]
    public async Task An_endpoint_that_is_not_up_yet_gets_the_request_when_it_is()
    {
        var endpoint = new LateEndpoint(failures: 2);
        var relay = new OtlpRelay(new OtlpDestination(new Uri("http://dashboard.test:18890"), IsHttp: true, ApiKey: null), NullLogger.Instance, endpoint);

        relay.Egress(new TelemetrySource("a-proxy", "a"), new EgressDecision(true, "example.test", "CONNECT", "example.test:443", null, null, DateTimeOffset.UtcNow));
        for (var i = 0; i < 100 && endpoint.Calls < 3; i++)
            await Task.Delay(100);
        await relay.DisposeAsync();

        endpoint.Calls.Should().Be(3, "two refusals, then delivery");
    }

    [Fact]
    public async Task Egress_decisions_are_posted_as_log_records_of_the_proxy()
    {
        var recorder = new Recorder();
        var relay = new OtlpRelay(new OtlpDestination(new Uri("http://collector.test:4318/"), IsHttp: true, ApiKey: "k3y"), NullLogger.Instance, recorder);
        var proxy = new TelemetrySource("reviewer-proxy", "reviewer");

        relay.Egress(proxy, new EgressDecision(false, "evil.example", "CONNECT", "evil.example:443", "allowlist", "domain not in allowlist: evil.example", DateTimeOffset.UtcNow));
        await relay.DisposeAsync();

        var (url, contentType, apiKey, body) = recorder.Requests.Single();
        url.Should().Be(new Uri("http://collector.test:4318/v1/logs"));
        contentType.Should().Be("application/x-protobuf");
        apiKey.Should().Be("k3y");
        var logs = ExportLogsServiceRequest.Parser.ParseFrom(body).ResourceLogs.Single();
        logs.Resource.Attributes.Should().ContainEquivalentOf(Text("service.name", "reviewer-proxy")).And.ContainEquivalentOf(Text("bottle.name", "reviewer"));
        var record = logs.ScopeLogs.Single().LogRecords.Single();
        record.SeverityText.Should().Be("Warning");
        record.Body.StringValue.Should().Be("blocked CONNECT evil.example:443: domain not in allowlist: evil.example");
        record.Attributes.Should().ContainEquivalentOf(Text("egress.host", "evil.example")).And.ContainEquivalentOf(Text("egress.decision", "blocked"))
            .And.ContainEquivalentOf(Text("bottle.name", "reviewer"));
    }

    /// <summary>The host disposes the orchestrator, and with it the relay, once as a service and once as a hosted service.</summary>
    [Fact]
    public async Task Disposing_the_relay_twice_is_harmless()
    {
        var relay = new OtlpRelay(new OtlpDestination(new Uri("http://dashboard.test:18890"), IsHttp: true, ApiKey: null), NullLogger.Instance);
        await relay.DisposeAsync();
        await relay.Invoking(r => r.DisposeAsync().AsTask()).Should().NotThrowAsync();
    }
}
