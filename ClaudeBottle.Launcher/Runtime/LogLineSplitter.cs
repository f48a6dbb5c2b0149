using System.Text;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// Cuts one output stream of a container into lines as its bytes arrive. Each byte is looked at once and at most
/// <c>maxLineBytes</c> of a line are kept: a line that goes on without a newline costs time in proportion to its
/// length and no more memory than the cap, whatever the container writes. The rest of a long line is counted, not kept.
/// </summary>
public sealed class LogLineSplitter(int maxLineBytes, bool isError)
{
    /// <summary>What a person's console is given of one line: 16 KiB, more than any line meant to be read.</summary>
    public const int DefaultMaxLineBytes = 16 * 1024;

    private const int InitialBytes = 4096;

    private byte[] _buffer = new byte[Math.Min(maxLineBytes, InitialBytes)];
    private int _length;
    private long _cut;

    /// <summary>Adds <paramref name="chunk"/> and appends every line it completes to <paramref name="lines"/>.</summary>
    public void Split(ReadOnlySpan<byte> chunk, ICollection<LogLine> lines)
    {
        while (chunk.Length > 0)
        {
            var newline = chunk.IndexOf((byte)'\n');
            var part = newline < 0 ? chunk : chunk[..newline];
            Keep(part);
            if (newline < 0)
                return;
            lines.Add(Take());
            chunk = chunk[(newline + 1)..];
        }
    }

    /// <summary>The stream ended: the last line, if it had no newline.</summary>
    public void Finish(ICollection<LogLine> lines)
    {
        if (_length > 0 || _cut > 0)
            lines.Add(Take());
    }

    private void Keep(ReadOnlySpan<byte> part)
    {
        var room = maxLineBytes - _length;
        var kept = Math.Min(room, part.Length);
        if (kept > 0)
        {
            Ensure(_length + kept);
            part[..kept].CopyTo(_buffer.AsSpan(_length));
            _length += kept;
        }
        _cut += part.Length - kept;
    }

    /// <summary>Grows by doubling, up to the cap: copying stays linear in what is kept.</summary>
    private void Ensure(int needed)
    {
        if (needed <= _buffer.Length)
            return;
        var grown = new byte[Math.Min(maxLineBytes, Math.Max(needed, _buffer.Length * 2))];
        _buffer.AsSpan(0, _length).CopyTo(grown);
        _buffer = grown;
    }

    private LogLine Take()
    {
        var bytes = _buffer.AsSpan(0, _length);
        var cut = _cut;
        if (cut > 0)
        {
            // The cap may fall inside a character: its first bytes go with the rest rather than show as garbage.
            var whole = WholeCharacters(bytes);
            cut += bytes.Length - whole;
            bytes = bytes[..whole];
        }
        else if (bytes.Length > 0 && bytes[^1] == '\r')
        {
            bytes = bytes[..^1];
        }
        var line = new LogLine(Encoding.UTF8.GetString(bytes), isError, cut);
        _length = 0;
        _cut = 0;
        // A long line's buffer is not kept for the short lines that usually follow.
        if (_buffer.Length > 64 * 1024)
            _buffer = new byte[InitialBytes];
        return line;
    }

    /// <summary>How many leading bytes of <paramref name="bytes"/> end on a character boundary of UTF-8.</summary>
    private static int WholeCharacters(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.Length;
        // Step back over continuation bytes (10xxxxxx) to the lead byte of the last character, at most three.
        var lead = end - 1;
        while (lead >= 0 && end - lead <= 4 && (bytes[lead] & 0xC0) == 0x80)
            lead--;
        if (lead < 0)
            return end;
        var b = bytes[lead];
        var size = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
        return lead + size <= end ? end : lead;
    }
}
