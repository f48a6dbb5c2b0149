using System.Runtime.InteropServices;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PipelockStandIn;

internal static class ProxyServer
{
    /// <summary>The configuration as last read: pipelock rereads its file on SIGHUP, and so does the stand-in.</summary>
    private static StandInConfig _current = null!;

    public static async Task<int> RunAsync(string path)
    {
        var config = _current = StandInConfig.Load(path);
        // As pipelock: the allowlist and modes follow the file; listeners stay as they were started.
        using var reload = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
        {
            signal.Cancel = true;
            try
            {
                _current = StandInConfig.Load(path);
                Log.Event("info", "config_reload", new Dictionary<string, string?> { ["allowlist"] = string.Join(",", _current.Allowlist), ["standin"] = "true" });
            }
            catch (Exception e) when (e is IOException or YamlDotNet.Core.YamlException or InvalidCastException or InvalidOperationException)
            {
                Log.Event("error", "config_reload_failed", new Dictionary<string, string?> { ["error"] = e.Message });
            }
        });
        var (host, port) = SplitHostPort(config.Listen, 8888);
        var listener = new TcpListener(host == "0.0.0.0" ? IPAddress.Any : IPAddress.Parse(host), port);
        listener.Start(512);
        Log.Event("info", "startup", new Dictionary<string, string?>
        {
            ["listen"] = config.Listen, ["mode"] = config.Mode, ["allowlist"] = string.Join(",", config.Allowlist), ["standin"] = "true",
            ["scan_api"] = config.ScanApi?.Listen,
        });
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
        // As pipelock does: /metrics and /stats on the main port, unless metrics_listen gives them a listener of their own.
        var metrics = config.MetricsListen is { } metricsListen ? ServeAsync(Listen(metricsListen), MetricsOnlyAsync, stop.Token) : Task.CompletedTask;
        var scanApi = config.ScanApi is { } scan ? ScanApiServer.RunAsync(scan, stop.Token) : Task.CompletedTask;
        await ServeAsync(listener, client => HandleAsync(client, Volatile.Read(ref _current)), stop.Token);
        await metrics;
        await scanApi;
        return 0;
    }

    private static TcpListener Listen(string address)
    {
        var (host, port) = SplitHostPort(address, 9091);
        var listener = new TcpListener(host is "0.0.0.0" or "" ? IPAddress.Any : IPAddress.Parse(host), port);
        listener.Start(64);
        return listener;
    }

    private static async Task ServeAsync(TcpListener listener, Func<TcpClient, Task> handle, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stop);
                _ = Task.Run(() => handle(client));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>pipelock's /metrics (Prometheus text) and /stats (JSON), with the figures a real one would give away.</summary>
    private static async Task<bool> ServeMetricsAsync(NetworkStream stream, string target)
    {
        if (target == "/metrics")
            await RespondAsync(stream, 200, $"pipelock_requests_total{{result=\"blocked\"}} {Interlocked.Read(ref _blocked)}\npipelock_info{{version=\"standin\"}} 1", "text/plain; version=0.0.4");
        else if (target == "/stats")
            await RespondAsync(stream, 200, $$"""{"requests":{"blocked":{{Interlocked.Read(ref _blocked)}}},"standin":true}""", "application/json");
        else
            return false;
        return true;
    }

    private static long _blocked;

    private static async Task MetricsOnlyAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var (head, _) = await HttpHead.ReadAsync(client.GetStream());
            if (head?.Split("\r\n")[0].Split(' ') is [_, var target, _] && !await ServeMetricsAsync(client.GetStream(), target))
                await RespondAsync(client.GetStream(), 404, "404 page not found");
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    private static async Task HandleAsync(TcpClient client, StandInConfig config)
    {
        using var _ = client;
        var downstream = client.GetStream();
        try
        {
            var (head, rest) = await HttpHead.ReadAsync(downstream);
            if (head is null)
                return;
            var lines = head.Split("\r\n");
            var parts = lines[0].Split(' ');
            if (parts.Length != 3)
            {
                await RespondAsync(downstream, 400, "bad request");
                return;
            }
            var (method, target) = (parts[0], parts[1]);
            var clientIp = ((IPEndPoint)client.Client.RemoteEndPoint!).Address.ToString();

            if (target == "/health")
            {
                await RespondAsync(downstream, 200, """{"status":"healthy","standin":true}""", "application/json");
                return;
            }
            if (target is "/metrics" or "/stats")
            {
                if (config.MetricsListen is not null || !await ServeMetricsAsync(downstream, target))
                    await RespondAsync(downstream, 404, "404 page not found");
                return;
            }
            if (!config.ForwardProxy)
            {
                await RespondAsync(downstream, 405, method == "CONNECT" ? "CONNECT not supported" : "forward proxy not enabled");
                return;
            }

            string host;
            int port;
            if (method == "CONNECT")
                (host, port) = SplitHostPort(target, 443);
            else if (Uri.TryCreate(target, UriKind.Absolute, out var uri) && uri.Scheme == "http")
                (host, port) = (uri.Host, uri.Port);
            else
            {
                await RespondAsync(downstream, 400, "not a proxy request");
                return;
            }

            // As pipelock 2.3.0 logs them: a CONNECT's host:port as "target", a proxied URL as "url".
            var targetField = method == "CONNECT" ? "target" : "url";
            var fields = new Dictionary<string, string?>
            {
                ["method"] = method, [targetField] = target, ["client_ip"] = clientIp, ["agent"] = config.Agent,
            };
            if (StandInConfig.EnvironmentSecrets.FirstOrDefault(secret => Uri.UnescapeDataString(target).Contains(secret, StringComparison.Ordinal)) is not null)
            {
                // As pipelock does: a URL that carried a secret is logged as its scheme and host only.
                fields[targetField] = method == "CONNECT" ? host : $"http://{host}";
                fields["scanner"] = "dlp";
                fields["reason"] = "environment variable leak detected";
                Log.Event("warn", "blocked", fields);
                await RespondAsync(downstream, 403, method == "CONNECT" ? "CONNECT blocked: DLP match: environment variable leak detected" : "blocked: DLP match: environment variable leak detected");
                return;
            }
            if (!config.Allows(host))
            {
                Interlocked.Increment(ref _blocked);
                fields["scanner"] = "allowlist";
                fields["reason"] = $"domain not in allowlist: {host}";
                Log.Event("warn", "blocked", fields);
                await RespondAsync(downstream, 403, method == "CONNECT" ? $"CONNECT blocked: domain not in allowlist: {host}" : $"blocked: domain not in allowlist: {host}");
                return;
            }

            using var upstreamClient = new TcpClient();
            try
            {
                using var dial = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await upstreamClient.ConnectAsync(host, port, dial.Token);
            }
            catch (Exception e)
            {
                fields["reason"] = $"dial failed: {e.Message}";
                Log.Event("warn", "error", fields);
                await RespondAsync(downstream, 502, method == "CONNECT" ? "tunnel dial failed" : "upstream dial failed");
                return;
            }
            // pipelock's events for what it lets through: a tunnel opened, or a forwarded HTTP request.
            Log.Event("info", method == "CONNECT" ? "tunnel_open" : "forward_http", fields);
            var upstream = upstreamClient.GetStream();
            if (method == "CONNECT")
            {
                await downstream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 Connection Established\r\n\r\n"));
            }
            else
            {
                var uri = new Uri(target);
                var request = new StringBuilder($"{method} {uri.PathAndQuery} {parts[2]}\r\n");
                foreach (var line in lines.Skip(1).Where(l => l.Length > 0 && !l.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase)
                                                             && !l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase)))
                    request.Append(line).Append("\r\n");
                request.Append("Connection: close\r\n\r\n");
                await upstream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()));
            }
            if (rest.Length > 0)
                await upstream.WriteAsync(rest);
            await Task.WhenAny(downstream.CopyToAsync(upstream), upstream.CopyToAsync(downstream));
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    private static async Task RespondAsync(NetworkStream stream, int status, string body, string type = "text/plain")
    {
        var reason = status switch { 200 => "OK", 400 => "Bad Request", 403 => "Forbidden", 404 => "Not Found", 405 => "Method Not Allowed", _ => "Bad Gateway" };
        var bytes = Encoding.UTF8.GetBytes(body + "\n");
        var head = $"HTTP/1.1 {status} {reason}\r\nContent-Type: {type}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(bytes);
    }

    public static (string Host, int Port) SplitHostPort(string value, int defaultPort)
    {
        var colon = value.LastIndexOf(':');
        return colon > 0 && int.TryParse(value[(colon + 1)..], out var port)
            ? (value[..colon].Trim('[', ']'), port)
            : (value, defaultPort);
    }
}
