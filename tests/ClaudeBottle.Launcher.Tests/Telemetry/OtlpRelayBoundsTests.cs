using System.Net;
using ClaudeBottle.Launcher.Telemetry;
using ClaudeBottle.Launcher.Telemetry.Otlp;
using ClaudeBottle.ServiceDefaults;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClaudeBottle.Launcher.Tests.Telemetry;

/// <summary>
/// What one agent's telemetry can cost the app host: a request relayed is no larger than it came but for its identity,
/// it is not unpacked into objects, and the queue holds a bounded number of bytes whatever arrives.
/// </summary>
public sealed class OtlpRelayBoundsTests
{
    private static readonly TelemetrySource Agent = new("reviewer-agent", "reviewer");

    private static string Line(string signal, byte[] body) => $"otlp {signal} {Convert.ToBase64String(body)}";

    private static int Allowance => OtlpRelay.MaxGrowthParts * OtlpRewriter.IdentityBytes(Agent);

    /// <summary><paramref name="count"/> copies of <paramref name="part"/> as field 1 of a request, written by hand.</summary>
    private static byte[] Repeated(byte[] field, int count)
    {
        var body = new byte[field.Length * count];
        for (var i = 0; i < count; i++)
            field.CopyTo(body, i * field.Length);
        return body;
    }

    private static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    /// <summary>
    /// Measured on the code before this bound: four MiB of empty parts (two bytes each) became 128 MiB, each part
    /// given a resource of its own (the ratio was about 32). Now the request is refused.
    /// </summary>
    [Fact]
    public void A_request_of_empty_parts_is_refused_rather_than_multiplied()
    {
        var body = Repeated([0x0a, 0x00], 2 * 1024 * 1024);

        OtlpRelay.RewriteLine(Agent, Line("logs", body)).Should().BeNull();
        OtlpRelay.RewriteLine(Agent, Line("traces", Repeated([0x0a, 0x00], OtlpRelay.MaxGrowthParts + 1))).Should().BeNull();
        OtlpRelay.RewriteLine(Agent, Line("traces", Repeated([0x0a, 0x00], OtlpRelay.MaxGrowthParts))).Should().NotBeNull("a few parts may each gain their identity");
    }

    public static TheoryData<string, byte[]> Requests()
    {
        var claude = new Resource { Attributes = { Text("service.name", "claude-code"), Text("service.version", "2.1.332"), Text("os.type", "linux") } };
        var oneRecord = new ExportLogsServiceRequest { ResourceLogs = { new ResourceLogs { Resource = claude, ScopeLogs = { new ScopeLogs { LogRecords = { new LogRecord { Body = new AnyValue { StringValue = "claude_code.api_request" } } } } } } } };
        var bigRecord = new ExportLogsServiceRequest { ResourceLogs = { new ResourceLogs { Resource = claude, ScopeLogs = { new ScopeLogs { LogRecords = { new LogRecord { Body = new AnyValue { StringValue = new string('x', 3 * 1024 * 1024) } } } } } } } };
        var manyAttributes = new Resource();
        for (var i = 0; i < 1_000; i++)
            manyAttributes.Attributes.Add(Text($"k{i}", "v"));
        return new()
        {
            { "logs", oneRecord.ToByteArray() },
            { "logs", bigRecord.ToByteArray() },
            { "metrics", new ExportMetricsServiceRequest { ResourceMetrics = { new ResourceMetrics { Resource = manyAttributes } } }.ToByteArray() },
            { "logs", EmptyRecords() },
        };
    }

    /// <summary>One part holding two million empty log records ("12 00" each) in one scope: four MiB.</summary>
    private static byte[] EmptyRecords()
    {
        var records = Repeated([0x12, 0x00], 2 * 1024 * 1024 - 8);
        byte[] scope = [0x12, .. Varint(records.Length), .. records];
        return [0x0a, .. Varint(scope.Length), .. scope];
    }

    private static byte[] Varint(int value)
    {
        var bytes = new List<byte>();
        for (; value >= 0x80; value >>= 7)
            bytes.Add((byte)(value | 0x80));
        bytes.Add((byte)value);
        return [.. bytes];
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void What_is_relayed_is_never_larger_than_what_came_in_but_for_its_identity(string signal, byte[] body)
    {
        var line = Line(signal, body);

        var (_, relayed) = OtlpRelay.RewriteLine(Agent, line)!.Value;

        relayed.Length.Should().BeLessThanOrEqualTo(body.Length + Allowance);
        if (body.Length > 4 * Allowance)
            ((double)relayed.Length / line.Length).Should().BeLessThan(1, "a request of any size leaves smaller than its sink line came in");
    }

    [Fact]
    public void Millions_of_empty_records_are_copied_not_unpacked()
    {
        var body = EmptyRecords();
        var line = Line("logs", body);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var relayed = OtlpRelay.RewriteLine(Agent, line);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        relayed.Should().NotBeNull();
        ExportLogsServiceRequest.Parser.ParseFrom(relayed!.Value.Body).ResourceLogs.Single().ScopeLogs.Single().LogRecords.Should().HaveCount(2 * 1024 * 1024 - 8);
        // Parsed into objects (as before), two million records took hundreds of MiB; copied, the cost is a few times the line.
        allocated.Should().BeLessThan(4L * line.Length * sizeof(char));
    }

    [Fact]
    public void A_resource_split_over_several_fields_is_attributed_whole()
    {
        var first = new Resource { Attributes = { Text("os.type", "linux") } }.ToByteArray();
        var second = new Resource { Attributes = { Text("service.name", "aspire-dashboard") } }.ToByteArray();
        byte[] part = [0x0a, (byte)first.Length, .. first, 0x0a, (byte)second.Length, .. second];
        byte[] body = [0x0a, (byte)part.Length, .. part];

        var (_, relayed) = OtlpRelay.RewriteLine(Agent, Line("logs", body))!.Value;

        var attributes = ExportLogsServiceRequest.Parser.ParseFrom(relayed).ResourceLogs.Single().Resource.Attributes.ToDictionary(a => a.Key, a => a.Value.StringValue);
        attributes.Should().BeEquivalentTo(new Dictionary<string, string> { ["os.type"] = "linux", ["service.name"] = "reviewer-agent", ["bottle.name"] = "reviewer" });
    }

    [Fact]
    public void A_resource_larger_than_any_real_one_is_refused()
    {
        var resource = new Resource { Attributes = { Text("padding", new string('x', OtlpRewriter.MaxResourceBytes)) } };
        var body = new ExportLogsServiceRequest { ResourceLogs = { new ResourceLogs { Resource = resource } } }.ToByteArray();

        OtlpRelay.RewriteLine(Agent, Line("logs", body)).Should().BeNull();
    }

    [Theory]
    [InlineData(new byte[] { 0x0b })] // Field 1 as a group: not in OTLP.
    [InlineData(new byte[] { 0x08, 0x01 })] // Field 1 as a number, where a part is expected.
    [InlineData(new byte[] { 0x0a, 0x05, 0x0a })] // A part longer than the request.
    [InlineData(new byte[] { 0x0a, 0x02, 0x08, 0x01 })] // A part whose resource is a number.
    [InlineData(new byte[] { 0x0a, 0x0b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 })] // A varint of eleven bytes.
    public void Malformed_requests_are_refused(byte[] body) => OtlpRelay.RewriteLine(Agent, Line("logs", body)).Should().BeNull();

    /// <summary>An endpoint that takes nothing until released, as a dashboard that hangs would.</summary>
    private sealed class StuckEndpoint : HttpMessageHandler
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public long Received;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Release.Task.WaitAsync(cancellationToken);
            Interlocked.Add(ref Received, (await request.Content!.ReadAsByteArrayAsync(cancellationToken)).Length);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task A_flood_while_the_endpoint_is_stuck_queues_no_more_than_the_bound()
    {
        var endpoint = new StuckEndpoint();
        var relay = new OtlpRelay(new OtlpDestination(new Uri("http://dashboard.test:18890"), IsHttp: true, ApiKey: null), NullLogger.Instance, endpoint);
        var record = new ExportLogsServiceRequest { ResourceLogs = { new ResourceLogs { ScopeLogs = { new ScopeLogs { LogRecords = { new LogRecord { Body = new AnyValue { StringValue = new string('x', 1024 * 1024) } } } } } } } };
        var line = Line("logs", record.ToByteArray());
        var forwarded = 0L;

        for (var i = 0; i < 100; i++)
        {
            // A hundred bottles, each within its own rate: only the queue's bound is left to hold them.
            relay.Forward(new TelemetrySource($"b{i}-agent", $"b{i}"), line).Should().BeTrue();
            forwarded += record.CalculateSize();
            relay.QueuedBytes.Should().BeLessThanOrEqualTo(OtlpRelay.MaxQueuedBytes);
        }
        endpoint.Release.SetResult();
        await relay.DisposeAsync();

        forwarded.Should().BeGreaterThan(6 * OtlpRelay.MaxQueuedBytes);
        endpoint.Received.Should().BeLessThanOrEqualTo(OtlpRelay.MaxQueuedBytes + 2 * (record.CalculateSize() + Allowance),
            "what waited was the queue's bound and the one request in flight; the rest was dropped, oldest first");
    }

    [Fact]
    public async Task One_bottle_gets_its_burst_then_its_rate_and_no_more()
    {
        var endpoint = new StuckEndpoint();
        endpoint.Release.SetResult();
        var relay = new OtlpRelay(new OtlpDestination(new Uri("http://dashboard.test:18890"), IsHttp: true, ApiKey: null), NullLogger.Instance, endpoint);
        var record = new ExportLogsServiceRequest { ResourceLogs = { new ResourceLogs { ScopeLogs = { new ScopeLogs { LogRecords = { new LogRecord { Body = new AnyValue { StringValue = new string('x', 1024 * 1024) } } } } } } } };
        var line = Line("logs", record.ToByteArray());
        var clock = System.Diagnostics.Stopwatch.StartNew();

        for (var i = 0; i < 40; i++)
            relay.Forward(Agent, line);
        var elapsed = clock.Elapsed;
        await relay.DisposeAsync();

        endpoint.Received.Should().BeLessThanOrEqualTo(OtlpRelay.BurstBytes + (long)((elapsed.TotalSeconds + 0.2) * OtlpRelay.BytesPerSecond),
            "forty MiB arrived at once; the bottle's burst and its rate went on");
        endpoint.Received.Should().BeGreaterThan(OtlpRelay.BurstBytes / 2);
    }
}
