using System.Text;
using System.Text.Unicode;

namespace NatsKvConfig;

/// <summary>
/// Strict UTF-8, the one test of what counts as text in a key or a value: bytes that are not well-formed UTF-8 (a
/// cut-off or overlong sequence, an encoded lone surrogate, a code point past U+10FFFF) are refused, never read as
/// U+FFFD. Validated first, so invalid bytes cost no exception (a strict <see cref="UTF8Encoding"/> throws).
/// </summary>
internal static class StrictUtf8
{
    /// <summary>Whether <paramref name="bytes"/> are well-formed UTF-8.</summary>
    public static bool IsValid(ReadOnlySpan<byte> bytes) => Utf8.IsValid(bytes);

    /// <summary>Decodes <paramref name="bytes"/> if they are well-formed UTF-8; never throws.</summary>
    /// <param name="bytes">The bytes to decode.</param>
    /// <param name="text">The text, or <see cref="string.Empty"/> when the bytes are not UTF-8.</param>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out string text)
    {
        if (!Utf8.IsValid(bytes))
        {
            text = string.Empty;
            return false;
        }

        text = Encoding.UTF8.GetString(bytes);
        return true;
    }
}
