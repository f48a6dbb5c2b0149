using System.Buffers;
using System.Text.Json;
using ClaudeBottle.Launcher.Resolution;

namespace ClaudeBottle.Launcher.Runtime;

/// <summary>
/// The one line the edge reads on its stdin: the real values of the bottle's credentials, by variable name. Made at the
/// moment of the start, handed to the engine's attach stream and nowhere else.
/// </summary>
public static class EdgeSecrets
{
    /// <summary><c>{"secrets":{"NAME":"value",…}}</c> and a newline, as UTF-8; the caller clears it once written.</summary>
    public static byte[] Document(ResolvedBottle bottle)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("secrets");
            foreach (var secret in bottle.Secrets)
                writer.WriteString(secret.Variable, secret.Value);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        var document = new byte[buffer.WrittenCount + 1];
        buffer.WrittenSpan.CopyTo(document);
        document[^1] = (byte)'\n';
        buffer.Clear();
        return document;
    }
}
