using System.Net.Sockets;
using System.Text;

namespace PipelockStandIn;

/// <summary>An HTTP request's head, read up to its blank line, and the bytes read past it: shared by the proxy and the scan API.</summary>
internal static class HttpHead
{
    /// <summary>The longest head read; a longer one is no head at all (null).</summary>
    public const int MaxBytes = 16 * 1024;

    public static async Task<(string? Head, byte[] Body)> ReadAsync(NetworkStream stream)
    {
        var buffer = new byte[MaxBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length));
            if (read == 0)
                return (null, []);
            length += read;
            var end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
                return (Encoding.ASCII.GetString(buffer, 0, end), buffer[(end + 4)..length]);
        }
        return (null, []);
    }
}
