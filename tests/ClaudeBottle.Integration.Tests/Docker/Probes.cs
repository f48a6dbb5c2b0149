using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ClaudeBottle.Integration.Tests.Docker;

/// <summary>Shell probes run inside an agent, and the test's own "outside world" servers.</summary>
internal static class Probes
{
    public const string UpstreamGreeting = "upstream-says-hi";
    public const string HostGreeting = "host-service";

    /// <summary>A plain HTTP server on port 8080 of a base-image container.</summary>
    public const string UpstreamServer =
        "exec perl -MIO::Socket::INET -e '$s=IO::Socket::INET->new(LocalPort=>8080,Listen=>16,ReuseAddr=>1) or die $!; " +
        "while($c=$s->accept){print $c qq(HTTP/1.0 200 OK\\r\\n\\r\\n" + UpstreamGreeting + "\\n); close $c}'";

    /// <summary>A stand-in for the edge's /health on port 8080, for probes run without a bottle.</summary>
    public const string HealthServer =
        "exec perl -MIO::Socket::INET -e '$s=IO::Socket::INET->new(LocalPort=>8080,Listen=>16,ReuseAddr=>1) or die $!; " +
        "while($c=$s->accept){<$c>; print $c qq(HTTP/1.0 200 OK\\r\\n\\r\\nok\\n); close $c}'";

    /// <summary>Direct TCP: prints what the server says; fails when there is no route.</summary>
    public static string Tcp(string host, int port) => $"timeout 2 bash -c 'exec 3<>/dev/tcp/{host}/{port} && timeout 2 cat <&3'";

    /// <summary>An HTTPS-style tunnel through the bottle's proxy.</summary>
    public static string Connect(string host) =>
        // A request inside the tunnel: the edge inspects what goes through, so the tunnel carries HTTP, as an agent's would.
        $"timeout 8 bash -c 'exec 3<>/dev/tcp/edge/8080 && printf \"CONNECT {host}:8080 HTTP/1.1\\r\\nHost: {host}:8080\\r\\n\\r\\nGET / HTTP/1.1\\r\\nHost: {host}:8080\\r\\nConnection: close\\r\\n\\r\\n\" >&3 && timeout 6 cat <&3'";

    /// <summary>A plain-HTTP request through the bottle's proxy.</summary>
    public static string Get(string host) =>
        $"timeout 8 bash -c 'exec 3<>/dev/tcp/edge/8080 && printf \"GET http://{host}:8080/ HTTP/1.1\\r\\nHost: {host}:8080\\r\\nConnection: close\\r\\n\\r\\n\" >&3 && timeout 6 cat <&3'";

    /// <summary>A lookup; a failed one waits out the resolver's timeouts (about 10 s).</summary>
    public static string Resolve(string name) => $"timeout 20 getent ahostsv4 {name}";

    /// <summary>A server of the host's own on all interfaces, answering every connection with <see cref="HostGreeting"/>.</summary>
    public sealed class HostServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Any, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serving;

        public HostServer()
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _serving = ServeAsync();
        }

        public int Port { get; }

        private async Task ServeAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(HostGreeting + "\n"), _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _serving;
        }
    }
}
