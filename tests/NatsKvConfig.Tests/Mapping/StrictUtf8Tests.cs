using System.Text;
using CsCheck;

namespace NatsKvConfig.Tests.Mapping;

public class StrictUtf8Tests
{
    private static readonly UTF8Encoding ThrowingUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Theory]
    [InlineData(new byte[0], "")]
    [InlineData(new byte[] { 0x61, 0x62 }, "ab")]
    [InlineData(new byte[] { 0xC3, 0xA9 }, "\u00E9")]
    [InlineData(new byte[] { 0xE2, 0x82, 0xAC }, "\u20AC")]
    [InlineData(new byte[] { 0xF0, 0x9F, 0x98, 0x80 }, "\U0001F600")]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF, 0x61 }, "\uFEFFa")] // a BOM is kept, as text
    public void Well_formed_bytes_decode(byte[] bytes, string expected)
    {
        Assert.True(StrictUtf8.IsValid(bytes));
        Assert.True(StrictUtf8.TryDecode(bytes, out var text));
        Assert.Equal(expected, text);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })] // never in UTF-8
    [InlineData(new byte[] { 0x61, 0xE2, 0x82 })] // cut off
    [InlineData(new byte[] { 0xC0, 0xAF })] // overlong '/'
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // lone high surrogate U+D800
    [InlineData(new byte[] { 0xED, 0xBF, 0xBF })] // lone low surrogate U+DFFF
    [InlineData(new byte[] { 0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80 })] // a surrogate pair encoded as two halves (CESU-8)
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })] // past U+10FFFF
    [InlineData(new byte[] { 0x80 })] // a continuation byte alone
    public void Malformed_bytes_are_refused_without_throwing(byte[] bytes)
    {
        Assert.False(StrictUtf8.IsValid(bytes));
        Assert.False(StrictUtf8.TryDecode(bytes, out var text));
        Assert.Equal(string.Empty, text);
    }

    [Fact]
    public void Agrees_with_a_throwing_UTF8Encoding()
    {
        // What the callers did before: decode with a strict encoding and catch its exception.
        var bytes = Gen.OneOf(
            Gen.Byte.Array[0, 12],
            Gen.String.Select(s => Encoding.UTF8.GetBytes(s)),
            Gen.Select(Gen.String, Gen.Int[0, 100], Gen.Byte).Select((s, at, b) =>
            {
                // Well-formed text with one byte changed: mostly near misses.
                var utf8 = Encoding.UTF8.GetBytes(s);
                if (utf8.Length > 0)
                {
                    utf8[at % utf8.Length] = b;
                }

                return utf8;
            }));

        bytes.Sample(value =>
        {
            string? expected;
            try
            {
                expected = ThrowingUtf8.GetString(value);
            }
            catch (DecoderFallbackException)
            {
                expected = null;
            }

            var decoded = StrictUtf8.TryDecode(value, out var text);
            Assert.Equal(expected is not null, decoded);
            Assert.Equal(expected ?? string.Empty, text);
            Assert.Equal(decoded, StrictUtf8.IsValid(value));
        });
    }
}
