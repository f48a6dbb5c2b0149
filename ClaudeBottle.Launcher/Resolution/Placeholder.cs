using System.Security.Cryptography;

namespace ClaudeBottle.Launcher.Resolution;

/// <summary>
/// Stand-ins for secret values, handed to the agent instead of them. A placeholder keeps the value's shape (a token's
/// type prefix, its length, its alphabet) so that tools which check a token's form before sending it still send it,
/// and the edge proxy can swap it for the real value on the declared host. Random, new on every call (derived, for a
/// publish): it tells nothing about the value beyond that shape.
/// </summary>
public static class Placeholder
{
    /// <summary>The shortest placeholder made for a value without a type prefix.</summary>
    public const int MinimumLength = 16;

    /// <summary>A type prefix (<c>sk-ant-oat01-</c>, <c>ghp_</c>, <c>github_pat_</c>) ends at a '-' or '_' this early.</summary>
    private const int PrefixWindow = 16;

    /// <summary>
    /// How much must follow a prefix for it to be kept: below that, the "prefix" is most of a short secret (a password
    /// with a dash), which a placeholder must not repeat.
    /// </summary>
    private const int MinimumRandomPart = 16;

    private const string Digits = "0123456789";
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>Punctuation a token's alphabet may hold (base64, base64url, JWT); others are not reproduced.</summary>
    private const string Punctuation = "-_.+/~";

    /// <summary>A new placeholder for <paramref name="value"/>: never equal to it, nor containing it.</summary>
    /// <param name="value">The real value, whose shape the placeholder keeps.</param>
    /// <param name="derived">For a publish: the characters are derived from it and <paramref name="purpose"/> instead of drawn at random.</param>
    /// <param name="purpose">What the placeholder stands for (a variable's name), so that each derives its own.</param>
    public static string For(string value, DerivedDraw? derived = null, string purpose = "")
    {
        ArgumentNullException.ThrowIfNull(value);
        var prefix = Prefix(value);
        var length = prefix.Length == 0 ? Math.Max(value.Length, MinimumLength) : value.Length;
        var alphabet = AlphabetOf(value.AsSpan(prefix.Length));
        for (var attempt = 0; ; attempt++)
        {
            var candidate = prefix + (derived is null
                ? RandomNumberGenerator.GetString(alphabet, length - prefix.Length)
                : derived.String($"placeholder\n{purpose}\n{attempt}", alphabet, length - prefix.Length));
            if (value.Length == 0 || !candidate.Contains(value, StringComparison.Ordinal))
                return candidate;
        }
    }

    /// <summary>The value up to and including its last '-' or '_' among the first characters, when enough follows.</summary>
    private static string Prefix(string value)
    {
        var end = value.AsSpan(0, Math.Min(PrefixWindow, value.Length)).LastIndexOfAny('-', '_');
        if (end < 0 || value.Length - (end + 1) < MinimumRandomPart)
            return "";
        var prefix = value[..(end + 1)];
        return prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? prefix : "";
    }

    /// <summary>The smallest usual alphabet holding the text: digits, hexadecimal, or the letter cases and punctuation it uses.</summary>
    private static string AlphabetOf(ReadOnlySpan<char> text)
    {
        bool digit = false, lower = false, upper = false, lowerHex = true, upperHex = true;
        var punctuation = "";
        foreach (var c in text)
        {
            digit |= char.IsAsciiDigit(c);
            lower |= char.IsAsciiLetterLower(c);
            upper |= char.IsAsciiLetterUpper(c);
            lowerHex &= char.IsAsciiDigit(c) || c is >= 'a' and <= 'f';
            upperHex &= char.IsAsciiDigit(c) || c is >= 'A' and <= 'F';
            if (Punctuation.Contains(c) && !punctuation.Contains(c))
                punctuation += c;
        }
        if (!lower && !upper && !digit)
            return Digits + Lower + Upper;
        if (lowerHex && lower) return Digits + "abcdef";
        if (upperHex && upper) return Digits + "ABCDEF";
        return (digit ? Digits : "") + (lower ? Lower : "") + (upper ? Upper : "") + punctuation;
    }
}
