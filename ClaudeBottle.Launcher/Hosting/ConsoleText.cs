using System.Text;
using ClaudeBottle.Launcher.Manifest;
using ClaudeBottle.Launcher.Runtime;

namespace ClaudeBottle.Launcher.Hosting;

/// <summary>
/// What the dashboard's console is given of text that comes from inside a bottle (or from a manifest): at most
/// <see cref="LogLineSplitter.DefaultMaxLineBytes"/> of it, with a visible mark where the rest was cut, and every
/// character that moves or hides text escaped. Escape sequences are escaped too, colours included: the console is a
/// shared view, not the agent's terminal, and a colour can hide text as well as an erase can.
/// </summary>
internal static class ConsoleText
{
    public static string Of(LogLine line) => Of(line.Text, line.CutBytes);

    public static string Of(string text, long cutBytes = 0)
    {
        var head = Head(text, LogLineSplitter.DefaultMaxLineBytes);
        cutBytes += head.Length == text.Length ? 0 : Encoding.UTF8.GetByteCount(text.AsSpan(head.Length));
        var shown = NameRules.Printable(head);
        return cutBytes == 0 ? shown : LogLine.Mark(shown, cutBytes);
    }

    /// <summary>The longest start of <paramref name="text"/> that is at most <paramref name="maxBytes"/> in UTF-8 and splits no character.</summary>
    private static string Head(string text, int maxBytes)
    {
        if (text.Length <= maxBytes / 3)
            return text; // No character takes more than three UTF-8 bytes per UTF-16 unit.
        var bytes = 0;
        var i = 0;
        while (i < text.Length)
        {
            var used = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            var size = used == 2 ? 4 : text[i] < 0x80 ? 1 : text[i] < 0x800 ? 2 : 3;
            if (bytes + size > maxBytes)
                return text[..i];
            bytes += size;
            i += used;
        }
        return text;
    }
}
