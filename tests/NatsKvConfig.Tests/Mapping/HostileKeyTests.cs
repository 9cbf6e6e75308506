using System.Text.RegularExpressions;
using CsCheck;

namespace NatsKvConfig.Tests.Mapping;

/// <summary>Keys nobody would write on purpose: the mapper refuses or reads them, and never throws.</summary>
public partial class HostileKeyTests
{
    // Mostly escape markers, hex digits and separators, so broken escapes are common; sometimes anything.
    private static readonly Gen<string> AnyKey = Gen.Frequency(
            (6, Gen.Char["=.aZ09AFaf-_/"]),
            (2, Gen.Char["EDCBGgx"]),
            (1, Gen.Char[" *>é\0\uD800\uDC00"]),
            (1, Gen.Char))
        .Array[0, 30]
        .Select(chars => new string(chars));

    // The key grammar, written independently of the mapper: tokens of allowed characters and =XX escapes,
    // or a lone '=' for an empty segment, separated by single dots.
    [GeneratedRegex("^(=|([A-Za-z0-9_/-]|=[0-9A-Fa-f]{2})+)(\\.(=|([A-Za-z0-9_/-]|=[0-9A-Fa-f]{2})+))*$")]
    private static partial Regex KeyGrammar();

    [Fact]
    public void Any_string_is_read_or_refused_with_a_reason_and_never_throws()
    {
        var (read, refused) = (0, 0);
        AnyKey.Sample(key =>
        {
            if (!NatsKvKeyMapper.TryToPath(key, out var path, out var error))
            {
                Interlocked.Increment(ref refused);
                // Refused: outside the grammar, or escapes that are not UTF-8 (nor a lone surrogate's WTF-8).
                return path is null && error is not null && (!KeyGrammar().IsMatch(key) || error.Contains("UTF-8", StringComparison.Ordinal));
            }

            Interlocked.Increment(ref read);

            // Read: inside the grammar, and the canonical key of that path reads back the same.
            return KeyGrammar().IsMatch(key) && error is null && NatsKvKeyMapper.ToPath(NatsKvKeyMapper.ToKey(path)) == path;
        }, iter: 50_000);

        Assert.InRange(read, 2_000, 48_000);
        Assert.InRange(refused, 2_000, 48_000);
    }

    [Fact]
    public void Huge_keys_map_without_recursing()
    {
        var manyTokens = string.Join('.', Enumerable.Repeat("a", 100_000));
        var manyEscapes = string.Concat(Enumerable.Repeat("=C3=A9", 50_000));

        Assert.Equal(string.Join(':', Enumerable.Repeat("a", 100_000)), NatsKvKeyMapper.ToPath(manyTokens));
        Assert.Equal(new string('é', 50_000), NatsKvKeyMapper.ToPath(manyEscapes));
        Assert.False(NatsKvKeyMapper.TryToPath(manyEscapes + "=C3", out _, out var error));
        Assert.Contains("UTF-8", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a=3Ab", "a:b")] // an escaped ':' splits the segment: the same path as a.b (a conflict, not an error)
    [InlineData("=41", "A")] // an escaped plain character reads as that character
    public void Escapes_the_mapper_never_writes_are_still_read_as_documented(string key, string path)
    {
        Assert.Equal(path, NatsKvKeyMapper.ToPath(key));
    }

    [Fact]
    public void A_lone_surrogate_written_as_WTF_8_reads_back_as_ToKey_wrote_it()
    {
        // Not an InlineData: attribute data cannot carry a lone surrogate intact.
        Assert.Equal("=ED=A0=80", NatsKvKeyMapper.ToKey("\uD800"));
        Assert.Equal("\uD800", NatsKvKeyMapper.ToPath("=ED=A0=80"));
    }
}
