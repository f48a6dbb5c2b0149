using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Threading.RateLimiting;
using ClaudeBottle.Launcher.Telemetry.Otlp;
using ClaudeBottle.ServiceDefaults;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace ClaudeBottle.Launcher.Telemetry;

/// <summary>
/// Sends bottles' telemetry over OTLP/HTTP to the dashboard (or the collector the user named): each proxy's egress
/// decisions, made into log records here, and what Claude exported to its bottle's sink. The resource of everything
/// relayed is rewritten to its bottle's, so an agent can neither hide its telemetry nor pass it off as another's.
/// Nothing in a bottle can reach the destination: only this process talks to it. What an agent can cost here is
/// bounded in bytes: a line of at most <see cref="MaxLineLength"/> in, a request no larger than it came (but for its
/// identity) out, at most <see cref="BytesPerSecond"/> a second from each bottle (so one cannot crowd out another's
/// telemetry, or flood the dashboard), and a queue of at most <see cref="MaxQueuedBytes"/>.
/// </summary>
internal sealed class OtlpRelay : IAsyncDisposable
{
    /// <summary>Longest sink line accepted: the sink takes bodies up to 4 MiB, which base64 makes 5.6 MB.</summary>
    internal const int MaxLineLength = 6 * 1024 * 1024;

    private const string ServiceNameKey = "service.name";
    private const string ServiceInstanceKey = "service.instance.id";

    private readonly OtlpDestination _destination;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    /// <summary>What the queue may hold, all bottles together: a flood from one agent costs old telemetry, never the app host's memory.</summary>
    internal const long MaxQueuedBytes = 16 * 1024 * 1024;

    /// <summary>Most egress records in one request: each is a few hundred bytes, and at most <see cref="EgressRecords.MaxText"/> characters a value.</summary>
    private const int MaxEgressBatch = 512;

    /// <summary>What each bottle may send on a second, after a first burst of <see cref="BurstBytes"/>: Claude's own telemetry is a few kilobytes.</summary>
    internal const int BytesPerSecond = 1024 * 1024;

    /// <summary>A bottle's burst: room for the largest request the sink takes, twice.</summary>
    internal const int BurstBytes = 9 * 1024 * 1024;

    private readonly RelayQueue<Item> _queue = new(MaxQueuedBytes, maxItems: 10_000);
    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _budgets = new(StringComparer.Ordinal);
    private readonly Task _pump;
    private readonly CancellationTokenSource _closing = new();
    private DateTimeOffset _lastWarning = DateTimeOffset.MinValue;

    private abstract record Item;

    private sealed record EgressItem(TelemetrySource Source, LogRecord Record) : Item;

    private sealed record RequestItem(string Signal, byte[] Body) : Item;

    public OtlpRelay(OtlpDestination destination, ILogger logger, HttpMessageHandler? handler = null)
    {
        _destination = destination;
        _logger = logger;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = TimeSpan.FromSeconds(10);
        _pump = Task.Run(PumpAsync);
    }

    public OtlpDestination Destination => _destination;

    /// <summary>What the queue holds now, in bytes.</summary>
    internal long QueuedBytes => _queue.Bytes;

    /// <summary>Queues one egress decision as a log record of <paramref name="source"/> (the proxy's resource).</summary>
    public void Egress(TelemetrySource source, EgressDecision decision)
    {
        var record = EgressRecords.ToLogRecord(source, decision);
        Queue(source, new EgressItem(source, record), record.CalculateSize());
    }

    /// <summary>
    /// Queues one line of a bottle's sink (<c>otlp &lt;signal&gt; &lt;base64 protobuf&gt;</c>) as <paramref name="source"/>'s
    /// telemetry; false when the line is not a well-formed OTLP request, which is then dropped.
    /// </summary>
    public bool Forward(TelemetrySource source, string line)
    {
        if (Rewrite(source, line) is not { } item)
            return false;
        Queue(source, item, item.Body.Length);
        return true;
    }

    private void Queue(TelemetrySource source, Item item, long bytes)
    {
        var budget = _budgets.GetOrAdd(source.Bottle, static _ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = BurstBytes,
            TokensPerPeriod = BytesPerSecond / 10,
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
        using (var lease = budget.AttemptAcquire((int)Math.Min(bytes, BurstBytes)))
        {
            if (!lease.IsAcquired)
            {
                Warn($"bottle {source.Bottle} sends telemetry faster than {BytesPerSecond / 1024} KiB a second; the excess is dropped");
                return;
            }
        }
        var dropped = _queue.Dropped;
        _queue.TryAdd(item, bytes);
        if (_queue.Dropped != dropped)
            Warn("bottles send telemetry faster than it can be sent on; the oldest is dropped");
    }

    /// <summary>Parses a sink line and gives every resource in it <paramref name="source"/>'s identity.</summary>
    internal static (string Signal, byte[] Body)? RewriteLine(TelemetrySource source, string line) =>
        Rewrite(source, line) is { } item ? (item.Signal, item.Body) : null;

    private static RequestItem? Rewrite(TelemetrySource source, string line)
    {
        if (line.Length > MaxLineLength)
            return null;
        var parts = line.Split(' ', 3);
        if (parts.Length != 3 || parts[0] != "otlp" || parts[1] is not ("logs" or "traces" or "metrics"))
            return null;
        var bytes = new byte[parts[2].Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(parts[2], bytes, out var length))
            return null;
        // The identity of a few parts is all a request may gain: many parts without one would multiply its size.
        var body = OtlpRewriter.Rewrite(bytes.AsSpan(0, length), source, MaxGrowthParts * OtlpRewriter.IdentityBytes(source));
        return body is null ? null : new RequestItem(parts[1], body);
    }

    /// <summary>How many parts of a request may be given an identity they did not have (Claude Code sends one).</summary>
    internal const int MaxGrowthParts = 4;

    /// <summary>The resource's own attributes (Claude's version, OS, ...) stay; who it is comes from us.</summary>
    internal static Resource Attribute(Resource? resource, TelemetrySource source)
    {
        var attributed = new Resource();
        if (resource is not null)
            attributed.Attributes.AddRange(resource.Attributes.Where(a => a.Key is not (ServiceNameKey or ServiceInstanceKey or LaunchTracing.BottleAttribute)));
        attributed.Attributes.Add(EgressRecords.Text(ServiceNameKey, source.ServiceName));
        attributed.Attributes.Add(EgressRecords.Text(LaunchTracing.BottleAttribute, source.Bottle));
        return attributed;
    }

    private async Task PumpAsync()
    {
        var egress = new List<EgressItem>();
        while (await _queue.WaitAsync())
        {
            // One request at a time, and egress records in batches: what is in flight stays as small as the queue's items.
            while (egress.Count < MaxEgressBatch && _queue.TryTake(out var item))
            {
                if (item is EgressItem record)
                {
                    egress.Add(record);
                    continue;
                }
                await PostEgressAsync(egress);
                var request = (RequestItem)item;
                await PostAsync(request.Signal, request.Body);
            }
            await PostEgressAsync(egress);
        }
    }

    private async Task PostEgressAsync(List<EgressItem> egress)
    {
        if (egress.Count == 0)
            return;
        var body = EgressRecords.Request(egress.Select(e => (e.Source, e.Record))).ToByteArray();
        egress.Clear();
        await PostAsync("logs", body);
    }

    /// <summary>
    /// Sends one request, retrying what may pass later (no answer yet, 429, 502–504) for about half a minute: the
    /// dashboard starts alongside the bottles, and an agent exports from its first moment.
    /// </summary>
    private async Task PostAsync(string signal, byte[] body)
    {
        string? failure = null;
        foreach (var delay in RetryDelays)
        {
            try
            {
                if (delay > TimeSpan.Zero)
                    await Task.Delay(delay, _closing.Token);
                using var request = new HttpRequestMessage(HttpMethod.Post, _destination.SignalUrl(signal)) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                if (_destination.ApiKey is { } key)
                    request.Headers.Add(OtlpDestination.ApiKeyHeader, key);
                using var response = await _http.SendAsync(request, _closing.Token);
                if (response.IsSuccessStatusCode)
                    return;
                failure = $"the endpoint answered {(int)response.StatusCode} {response.ReasonPhrase}";
                if ((int)response.StatusCode is not (429 or 502 or 503 or 504))
                    break;
            }
            catch (OperationCanceledException) when (_closing.IsCancellationRequested)
            {
                return; // Shutting down: what is left is dropped.
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                failure = e.Message;
            }
        }
        Warn(failure ?? "no answer");
    }

    private static readonly TimeSpan[] RetryDelays =
        [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(15)];

    /// <summary>At most one warning a minute: an absent dashboard is worth knowing about, not worth a flood.</summary>
    private void Warn(string reason)
    {
        if (DateTimeOffset.UtcNow - _lastWarning < TimeSpan.FromMinutes(1))
            return;
        _lastWarning = DateTimeOffset.UtcNow;
        _logger.LogWarning("Bottle telemetry could not be sent to {Destination}: {Reason}", _destination, reason);
    }

    /// <summary>Sends what is queued (for at most five seconds), then stops. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        _queue.Complete();
        await Task.WhenAny(_pump, Task.Delay(TimeSpan.FromSeconds(5)));
        await _closing.CancelAsync();
        await _pump;
        _http.Dispose();
        _closing.Dispose();
        foreach (var budget in _budgets.Values)
            budget.Dispose();
    }

    private int _disposed;
}
