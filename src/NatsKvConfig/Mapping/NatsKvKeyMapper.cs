using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace NatsKvConfig;

/// <summary>
/// Maps between configuration paths (<c>Logging:LogLevel:Default</c>) and NATS KV keys
/// (<c>Logging.LogLevel.Default</c>), in both directions.
/// </summary>
/// <remarks>
/// <para>
/// A configuration path's segments, separated by <c>:</c>, become the key's tokens, separated by <c>.</c>.
/// A NATS key token may hold only <c>A-Z a-z 0-9 - _ /</c> (and <c>=</c>, which this mapping reserves),
/// so every other character of a segment, including <c>.</c> and <c>=</c> itself, is written as
/// <c>=XX</c> for each byte of its UTF-8 encoding, with upper-case hex digits:
/// <c>Logging:LogLevel:Microsoft.AspNetCore</c> is stored as <c>Logging.LogLevel.Microsoft=2EAspNetCore</c>.
/// An empty segment, which a key token cannot be, is written as a lone <c>=</c>.
/// </para>
/// <para>
/// Mapping a path to a key and back gives the same path for every configuration path. Reading accepts
/// lower-case hex digits too, so hand-written keys such as <c>a=2eb</c> work.
/// </para>
/// </remarks>
public static class NatsKvKeyMapper
{
    private const char KeySeparator = '.';
    private const char PathSeparator = ':';
    private const char EscapeMarker = '=';

    // What IsPlainKeyChar accepts.
    private const string PlainKeyChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_/";

    // The plain characters with the separator: of a key, and of the path it maps to (as characters and as UTF-8).
    private static readonly SearchValues<char> PlainKeyCharsAndSeparator = SearchValues.Create(PlainKeyChars + KeySeparator);
    private static readonly SearchValues<char> PlainPathChars = SearchValues.Create(PlainKeyChars + PathSeparator);
    private static readonly SearchValues<byte> PlainPathBytes = SearchValues.Create(Encoding.ASCII.GetBytes(PlainKeyChars + PathSeparator));

    /// <summary>
    /// Whether the UTF-8 <paramref name="key"/> is a plain key (plain characters, dots only between them: it maps by
    /// turning dots into colons and nothing else) and <paramref name="path"/> is exactly what it maps to. Checked on
    /// the bytes, making no string: for reading a snapshot, which stores both.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // once per snapshot entry, at start-up
    internal static bool IsPlainPair(ReadOnlySpan<byte> key, ReadOnlySpan<byte> path)
    {
        if (key.IsEmpty || key.Length != path.Length || key[0] == (byte)KeySeparator || key[^1] == (byte)KeySeparator)
        {
            return false;
        }

        for (var i = 0; i < key.Length; i++)
        {
            var b = key[i];
            if (b == (byte)KeySeparator)
            {
                if (key[i - 1] == (byte)KeySeparator || path[i] != (byte)PathSeparator)
                {
                    return false;
                }
            }
            else if (b >= 0x80 || !IsPlainKeyChar((char)b) || path[i] != b)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether the UTF-8 <paramref name="path"/> is what a plain key maps to (plain characters, colons only between
    /// them), so that its key is the path with dots for colons. Checked on the bytes, making no string: for reading
    /// a snapshot, which stores a plain key's entry as its path alone.
    /// </summary>
    internal static bool IsPlainPath(ReadOnlySpan<byte> path) =>
        !path.IsEmpty
        && path.IndexOfAnyExcept(PlainPathBytes) < 0
        && path[0] != (byte)PathSeparator
        && path[^1] != (byte)PathSeparator
        && path.IndexOf("::"u8) < 0;

    /// <summary>Whether <paramref name="path"/> is what a plain key maps to (see the UTF-8 overload), as <see cref="IsPlainKey"/> checks a key.</summary>
    internal static bool IsPlainPath(ReadOnlySpan<char> path) =>
        !path.IsEmpty
        && path.IndexOfAnyExcept(PlainPathChars) < 0
        && path[0] != PathSeparator
        && path[^1] != PathSeparator
        && !path.Contains("::", StringComparison.Ordinal);

    /// <summary>The characters a key token may hold without escaping, as shown in error messages.</summary>
    /// <remarks>Display text, not a contract: internal so its wording can change without breaking callers.</remarks>
    internal const string AllowedKeyCharacters = "A-Z a-z 0-9 - _ / = (and . between tokens)";

    /// <summary>Maps a configuration path to the NATS KV key that stores it.</summary>
    /// <param name="path">A configuration path such as <c>database:host</c>.</param>
    /// <returns>The KV key, such as <c>database.host</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    public static string ToKey(string path)
    {
        ArgumentNullException.ThrowIfNull(path);

        var builder = new StringBuilder(path.Length + 8);
        var start = 0;
        while (true)
        {
            var end = path.IndexOf(PathSeparator, start);
            var segment = path.AsSpan(start, (end < 0 ? path.Length : end) - start);
            AppendEscapedSegment(builder, segment);
            if (end < 0)
            {
                return builder.ToString();
            }

            builder.Append(KeySeparator);
            start = end + 1;
        }
    }

    /// <summary>Maps a NATS KV key back to its configuration path.</summary>
    /// <param name="key">A KV key such as <c>Logging.LogLevel.Microsoft=2EAspNetCore</c>.</param>
    /// <returns>The configuration path, such as <c>Logging:LogLevel:Microsoft.AspNetCore</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The key is not one this mapping produces; the message names the key and why.</exception>
    public static string ToPath(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return TryToPath(key, out var path, out var error)
            ? path
            : throw new FormatException($"NATS KV key '{key}' cannot be mapped to a configuration path: {error}");
    }

    /// <summary>Tries to map a NATS KV key back to its configuration path.</summary>
    /// <param name="key">A KV key.</param>
    /// <param name="path">The configuration path, when the key is well formed.</param>
    /// <returns><see langword="true"/> when the key is well formed.</returns>
    public static bool TryToPath(string key, [NotNullWhen(true)] out string? path) => TryToPath(key, out path, out _);

    /// <summary>Tries to map a NATS KV key back to its configuration path, saying why when it cannot.</summary>
    /// <param name="key">A KV key.</param>
    /// <param name="path">The configuration path, when the key is well formed.</param>
    /// <param name="error">Why the key is malformed, when it is; never contains anything but the key's own characters.</param>
    /// <returns><see langword="true"/> when the key is well formed.</returns>
    public static bool TryToPath(string key, [NotNullWhen(true)] out string? path, [NotNullWhen(false)] out string? error)
    {
        path = null;
        if (string.IsNullOrEmpty(key))
        {
            error = "the key is empty";
            return false;
        }

        if (IsPlainKey(key))
        {
            // Most keys have no escapes: a straight copy with ':' for '.', no decoding.
            path = key.Replace(KeySeparator, PathSeparator);
            error = null;
            return true;
        }

        var builder = new StringBuilder(key.Length);
        byte[]? bytes = null;
        var start = 0;
        while (true)
        {
            var end = key.IndexOf(KeySeparator, start);
            var token = key.AsSpan(start, (end < 0 ? key.Length : end) - start);
            if (!TryUnescapeToken(token, builder, ref bytes, out error))
            {
                return false;
            }

            if (end < 0)
            {
                path = builder.ToString();
                return true;
            }

            builder.Append(PathSeparator);
            start = end + 1;
        }
    }

    /// <summary>Tells whether a string is a valid NATS KV key (not whether this mapping produced it).</summary>
    /// <param name="key">The candidate key.</param>
    /// <returns><see langword="true"/> when NATS accepts the key.</returns>
    public static bool IsValidKey(string? key)
    {
        if (string.IsNullOrEmpty(key) || key[0] == KeySeparator || key[^1] == KeySeparator)
        {
            return false;
        }

        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (c == KeySeparator)
            {
                if (key[i - 1] == KeySeparator)
                {
                    return false;
                }
            }
            else if (!IsPlainKeyChar(c) && c != EscapeMarker)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether the key is non-empty tokens of plain characters only (no escapes), separated by single dots: it maps
    /// to its path by turning dots into colons and nothing else. Vectorized: every key read is checked, 100,000 of
    /// them on a cold load.
    /// </summary>
    internal static bool IsPlainKey(ReadOnlySpan<char> key) =>
        !key.IsEmpty
        && key.IndexOfAnyExcept(PlainKeyCharsAndSeparator) < 0
        && key[0] != KeySeparator
        && key[^1] != KeySeparator
        && !key.Contains("..", StringComparison.Ordinal);

    private static bool IsPlainKeyChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '/';

    private static void AppendEscapedSegment(StringBuilder builder, ReadOnlySpan<char> segment)
    {
        if (segment.IsEmpty)
        {
            builder.Append(EscapeMarker);
            return;
        }

        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (IsPlainKeyChar(c))
            {
                builder.Append(c);
                continue;
            }

            // A surrogate pair is one code point: encode both halves together.
            var length = char.IsHighSurrogate(c) && i + 1 < segment.Length && char.IsLowSurrogate(segment[i + 1]) ? 2 : 1;
            var written = EncodeLenient(segment.Slice(i, length), utf8);
            for (var b = 0; b < written; b++)
            {
                builder.Append(EscapeMarker).Append(HexDigit(utf8[b] >> 4)).Append(HexDigit(utf8[b] & 0xF));
            }

            i += length - 1;
        }
    }

    // A lone surrogate is not valid UTF-16; encode its code unit as WTF-8 bytes so the round trip still holds.
    private static int EncodeLenient(ReadOnlySpan<char> chars, Span<byte> destination)
    {
        if (chars.Length == 1 && char.IsSurrogate(chars[0]))
        {
            int unit = chars[0];
            destination[0] = (byte)(0xE0 | (unit >> 12));
            destination[1] = (byte)(0x80 | ((unit >> 6) & 0x3F));
            destination[2] = (byte)(0x80 | (unit & 0x3F));
            return 3;
        }

        return Encoding.UTF8.GetBytes(chars, destination);
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };

    private static bool TryUnescapeToken(ReadOnlySpan<char> token, StringBuilder builder, ref byte[]? bytes, [NotNullWhen(false)] out string? error)
    {
        if (token.IsEmpty)
        {
            error = "it has an empty token (two dots in a row, or a leading or trailing dot)";
            return false;
        }

        if (token is [EscapeMarker])
        {
            error = null; // a lone '=' is an empty segment
            return true;
        }

        var i = 0;
        while (i < token.Length)
        {
            var c = token[i];
            if (c != EscapeMarker)
            {
                if (!IsPlainKeyChar(c))
                {
                    error = $"character '{c}' at position {i} of a token is not allowed in a key (allowed: {AllowedKeyCharacters})";
                    return false;
                }

                builder.Append(c);
                i++;
                continue;
            }

            // A run of escapes is decoded as one UTF-8 byte sequence, so multi-byte characters come back whole.
            if (bytes is null || bytes.Length < token.Length / 3 + 1)
            {
                bytes = new byte[token.Length / 3 + 1];
            }

            var count = 0;
            while (i < token.Length && token[i] == EscapeMarker)
            {
                int high, low;
                if (i + 2 >= token.Length || (high = HexValue(token[i + 1])) < 0 || (low = HexValue(token[i + 2])) < 0)
                {
                    error = $"the escape at position {i} of a token is not '=' followed by two hex digits";
                    return false;
                }

                bytes[count++] = (byte)((high << 4) | low);
                i += 3;
            }

            if (!TryDecodeUtf8(bytes.AsSpan(0, count), builder))
            {
                error = "its escapes do not decode to valid UTF-8";
                return false;
            }
        }

        error = null;
        return true;
    }

    private static bool TryDecodeUtf8(ReadOnlySpan<byte> bytes, StringBuilder builder) =>
        TryAppendStrict(bytes, builder) || TryDecodeLoneSurrogates(bytes, builder);

    // The inverse of EncodeLenient: three-byte sequences ED A0..BF xx carry lone surrogates.
    private static bool TryDecodeLoneSurrogates(ReadOnlySpan<byte> bytes, StringBuilder builder)
    {
        var decoded = new StringBuilder();
        var start = 0;
        for (var i = 0; i < bytes.Length;)
        {
            if (i + 2 < bytes.Length && bytes[i] == 0xED && bytes[i + 1] is >= 0xA0 and <= 0xBF && (bytes[i + 2] & 0xC0) == 0x80)
            {
                if (!TryAppendStrict(bytes[start..i], decoded))
                {
                    return false;
                }

                decoded.Append((char)(((bytes[i] & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F)));
                i += 3;
                start = i;
            }
            else
            {
                i++;
            }
        }

        if (!TryAppendStrict(bytes[start..], decoded))
        {
            return false;
        }

        builder.Append(decoded);
        return true;
    }

    private static bool TryAppendStrict(ReadOnlySpan<byte> bytes, StringBuilder builder)
    {
        if (!StrictUtf8.TryDecode(bytes, out var text))
        {
            return false;
        }

        builder.Append(text);
        return true;
    }
}
