using System.Security.Cryptography;
using System.Text;

namespace ClaudeBottle.Launcher.Resolution;

/// <summary>
/// Draws that look random but are a function of a seed and a purpose: what a publish makes instead of random values, so
/// that two publishes of the same inputs are byte-identical. Only for values that are not secrets (placeholders, which
/// the agent holds anyway; the scan API's token, which opens nothing but scans): anyone with the inputs can derive them.
/// </summary>
public sealed class DerivedDraw(string seed)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(seed);

    /// <summary><paramref name="length"/> characters of <paramref name="alphabet"/>, uniformly, for <paramref name="purpose"/>.</summary>
    public string String(string purpose, string alphabet, int length)
    {
        ArgumentOutOfRangeException.ThrowIfZero(alphabet.Length);
        var result = new StringBuilder(length);
        // Rejection sampling keeps each character uniform: bytes at or above the largest multiple of the alphabet's size are skipped.
        var limit = 256 - 256 % alphabet.Length;
        foreach (var b in Stream(purpose))
        {
            if (result.Length == length)
                break;
            if (b < limit)
                result.Append(alphabet[b % alphabet.Length]);
        }
        return result.ToString();
    }

    /// <summary><paramref name="bytes"/> bytes for <paramref name="purpose"/>, in lower-case hexadecimal.</summary>
    public string Hex(string purpose, int bytes) => Convert.ToHexStringLower(Stream(purpose).Take(bytes).ToArray());

    /// <summary>HMAC-SHA256 of the purpose and a counter, block after block: an endless stream no other purpose shares.</summary>
    private IEnumerable<byte> Stream(string purpose)
    {
        for (var block = 0L; ; block++)
            foreach (var b in HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{purpose}\n{block}")))
                yield return b;
    }
}
