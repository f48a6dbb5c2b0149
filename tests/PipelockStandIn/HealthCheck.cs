using System.Net.Sockets;
using System.Text;

namespace PipelockStandIn;

internal static class HealthCheck
{
    public static async Task<int> RunAsync(string address)
    {
        try
        {
            var (host, port) = ProxyServer.SplitHostPort(address, 8888);
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await client.ConnectAsync(host, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /health HTTP/1.0\r\n\r\n"), timeout.Token);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("HTTP/1.1 200", StringComparison.Ordinal) ? 0 : 1;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"healthcheck failed: {e.Message}");
            return 1;
        }
    }
}
