using CsCheck;

namespace NatsKvConfig.Tests.Mapping;

public class NatsKvKeyMapperTests
{
    // Mostly characters keys hold as they are, often separators and escape markers, sometimes anything at all
    // (lone surrogates included), so every branch of the mapping is exercised.
    private static readonly Gen<string> AnyConfigurationPath = Gen.Frequency(
            (6, Gen.Char["abcXYZ019-_/"]),
            (3, Gen.Char[":.="]),
            (1, Gen.Char[" *>$é中😀\t"]),
            (1, Gen.Char))
        .Array[0, 40]
        .Select(chars => new string(chars));

    [Theory]
    [InlineData("database:host", "database.host")]
    [InlineData("servers:0", "servers.0")]
    [InlineData("Logging:LogLevel:Microsoft.AspNetCore", "Logging.LogLevel.Microsoft=2EAspNetCore")]
    [InlineData("a=b", "a=3Db")]
    [InlineData("with space:é", "with=20space.=C3=A9")]
    [InlineData("wild*:card>", "wild=2A.card=3E")]
    [InlineData("a::b", "a.=.b")]
    [InlineData("", "=")]
    [InlineData("path/with/slashes", "path/with/slashes")]
    public void Maps_paths_to_keys_and_back(string path, string key)
    {
        Assert.Equal(key, NatsKvKeyMapper.ToKey(path));
        Assert.Equal(path, NatsKvKeyMapper.ToPath(key));
    }

    [Fact]
    public void Path_to_key_and_back_is_the_identity_for_every_configuration_path()
    {
        AnyConfigurationPath.Sample(path =>
        {
            var key = NatsKvKeyMapper.ToKey(path);
            return NatsKvKeyMapper.IsValidKey(key) && NatsKvKeyMapper.ToPath(key) == path;
        }, iter: 20_000);
    }

    [Fact]
    public void Different_paths_never_share_a_key()
    {
        Gen.Select(AnyConfigurationPath, AnyConfigurationPath).Sample(
            (a, b) => a == b || NatsKvKeyMapper.ToKey(a) != NatsKvKeyMapper.ToKey(b),
            iter: 20_000);
    }

    // What a snapshot stores as a plain key's path alone: exactly the paths a plain key maps to, checked alike on
    // characters and on UTF-8 (a path of other characters is not plain in either).
    [Fact]
    public void A_path_is_plain_exactly_when_it_is_what_a_plain_key_maps_to()
    {
        AnyConfigurationPath.Sample(path =>
        {
            var key = NatsKvKeyMapper.ToKey(path);
            var ofPlainKey = NatsKvKeyMapper.IsPlainKey(key) && key.Replace('.', ':') == path;
            var utf8 = System.Text.Encoding.UTF8.GetBytes(path);
            return NatsKvKeyMapper.IsPlainPath(path) == ofPlainKey && NatsKvKeyMapper.IsPlainPath(utf8) == ofPlainKey;
        }, iter: 20_000);
        Assert.True(NatsKvKeyMapper.IsPlainPath("db:host"u8));
        Assert.False(NatsKvKeyMapper.IsPlainPath("db.host"));
        Assert.False(NatsKvKeyMapper.IsPlainPath("db::host"u8));
    }

    [Fact]
    public void Reading_accepts_lower_case_hex_escapes()
    {
        Assert.Equal("a.b", NatsKvKeyMapper.ToPath("a=2eb"));
    }

    [Theory]
    [InlineData("a.b=2", "escape")]
    [InlineData("a.=ZZ", "escape")]
    [InlineData("a..b", "empty token")]
    [InlineData(".a", "empty token")]
    [InlineData("a.", "empty token")]
    [InlineData("a.=C3", "UTF-8")]
    [InlineData("a.=FF=FE", "UTF-8")]
    [InlineData("a b", "not allowed")]
    [InlineData("", "empty")]
    public void Malformed_keys_are_refused_with_a_reason(string key, string reason)
    {
        Assert.False(NatsKvKeyMapper.TryToPath(key, out var path, out var error));
        Assert.Null(path);
        Assert.Contains(reason, error, StringComparison.Ordinal);

        var exception = Assert.Throws<FormatException>(() => NatsKvKeyMapper.ToPath(key));
        Assert.Contains($"'{key}'", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("a.b-c_d/e=2E", true)]
    [InlineData("a..b", false)]
    [InlineData(".a", false)]
    [InlineData("a.", false)]
    [InlineData("a.*", false)]
    [InlineData("a.>", false)]
    [InlineData("a b", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Tells_which_strings_NATS_accepts_as_keys(string? key, bool valid)
    {
        Assert.Equal(valid, NatsKvKeyMapper.IsValidKey(key));
    }
}
