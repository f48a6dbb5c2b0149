using System.Buffers;
using ClaudeBottle.Launcher.Telemetry.Otlp;
using Google.Protobuf;

namespace ClaudeBottle.Launcher.Telemetry;

/// <summary>
/// Gives every part of an OTLP export request (logs, traces or metrics: each is a list of parts, field 1, and each
/// part names its resource in its own field 1) its bottle's identity, at the wire level. Only the resources are
/// parsed; everything else is copied as it came, so the cost is linear in the request and nothing a request holds
/// (millions of empty records, say) becomes millions of objects here. What is written may exceed what was read by
/// at most the given allowance: a request that would grow more (many parts without a resource) is refused.
/// </summary>
internal static class OtlpRewriter
{
    /// <summary>Most bytes of resource a part may carry: Claude's holds a few hundred.</summary>
    public const int MaxResourceBytes = 64 * 1024;

    private const int PartField = 1;
    private const int ResourceField = 1;
    private const int LengthDelimited = 2;

    /// <summary>The request with every resource attributed to <paramref name="source"/>, or null when it is not OTLP's shape or would grow by more than <paramref name="allowance"/>.</summary>
    public static byte[]? Rewrite(ReadOnlySpan<byte> request, TelemetrySource source, int allowance)
    {
        var output = new Writer(request.Length + allowance);
        try
        {
            var pos = 0;
            while (pos < request.Length)
            {
                var start = pos;
                if (!TryReadField(request, ref pos, out var field, out var wireType, out var payload))
                    return null;
                if (field != PartField)
                {
                    if (!output.TryWrite(request[start..pos])) // A field this does not know travels as it came.
                        return null;
                }
                else if (wireType != LengthDelimited || !TryWritePart(request.Slice(payload.Start, payload.Length), source, output))
                {
                    return null;
                }
            }
            return output.ToArray();
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>The bytes one part's identity takes when its resource had none: the most a part can grow by.</summary>
    public static int IdentityBytes(TelemetrySource source)
    {
        var size = OtlpRelay.Attribute(null, source).CalculateSize();
        return 1 + CodedOutputStream.ComputeLengthSize(size) + size;
    }

    private static bool TryWritePart(ReadOnlySpan<byte> part, TelemetrySource source, Writer output)
    {
        // Once to gather the resource (a part may split it over several fields, which protobuf merges) and measure the rest...
        var resource = new ArrayBufferWriter<byte>(256);
        var rest = 0;
        var pos = 0;
        while (pos < part.Length)
        {
            var start = pos;
            if (!TryReadField(part, ref pos, out var field, out var wireType, out var payload))
                return false;
            if (field != ResourceField)
                rest += pos - start;
            else if (wireType != LengthDelimited || resource.WrittenCount + payload.Length > MaxResourceBytes)
                return false;
            else
                resource.Write(part.Slice(payload.Start, payload.Length));
        }
        var attributed = OtlpRelay.Attribute(Resource.Parser.ParseFrom(resource.WrittenSpan), source).ToByteArray();
        var length = 1 + CodedOutputStream.ComputeLengthSize(attributed.Length) + attributed.Length + rest;
        if (!output.TryWriteTag(PartField) || !output.TryWriteVarint((uint)length) ||
            !output.TryWriteTag(ResourceField) || !output.TryWriteVarint((uint)attributed.Length) || !output.TryWrite(attributed))
            return false;
        // ... and once more to copy the rest as it came.
        pos = 0;
        while (pos < part.Length)
        {
            var start = pos;
            TryReadField(part, ref pos, out var field, out _, out _);
            if (field != ResourceField && !output.TryWrite(part[start..pos]))
                return false;
        }
        return true;
    }

    /// <summary>Reads one field's tag and steps over its value; false for anything protobuf's wire format does not allow.</summary>
    private static bool TryReadField(ReadOnlySpan<byte> data, ref int pos, out int field, out int wireType, out (int Start, int Length) payload)
    {
        payload = default;
        field = 0;
        wireType = 0;
        if (!TryReadVarint(data, ref pos, out var tag) || tag >> 3 is 0 or > 536_870_911)
            return false;
        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        switch (wireType)
        {
            case 0:
                return TryReadVarint(data, ref pos, out _);
            case 1:
                return Step(data, ref pos, 8);
            case LengthDelimited:
                if (!TryReadVarint(data, ref pos, out var length) || length > (ulong)(data.Length - pos))
                    return false;
                payload = (pos, (int)length);
                pos += (int)length;
                return true;
            case 5:
                return Step(data, ref pos, 4);
            default:
                return false; // Groups (3, 4) are not in OTLP; 6 and 7 are not wire types.
        }
    }

    private static bool Step(ReadOnlySpan<byte> data, ref int pos, int count)
    {
        if (data.Length - pos < count)
            return false;
        pos += count;
        return true;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> data, ref int pos, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && pos < data.Length; shift += 7)
        {
            var b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return true;
        }
        return false;
    }

    /// <summary>Writes into a buffer of a fixed size: running out of room is the request growing too much.</summary>
    private sealed class Writer(int capacity)
    {
        private readonly byte[] _buffer = new byte[capacity];
        private int _length;

        public bool TryWrite(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length > _buffer.Length - _length)
                return false;
            bytes.CopyTo(_buffer.AsSpan(_length));
            _length += bytes.Length;
            return true;
        }

        public bool TryWriteTag(int field) => TryWriteVarint((uint)(field << 3 | LengthDelimited));

        public bool TryWriteVarint(uint value)
        {
            Span<byte> bytes = stackalloc byte[5];
            var n = 0;
            for (; value >= 0x80; value >>= 7)
                bytes[n++] = (byte)(value | 0x80);
            bytes[n++] = (byte)value;
            return TryWrite(bytes[..n]);
        }

        public byte[] ToArray() => _length == _buffer.Length ? _buffer : _buffer.AsSpan(0, _length).ToArray();
    }
}
