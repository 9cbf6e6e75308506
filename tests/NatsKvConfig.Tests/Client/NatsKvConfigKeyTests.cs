namespace NatsKvConfig.Tests.Client;

public class NatsKvConfigKeyTests
{
    [Theory]
    [InlineData("database:host", "database.host", "database:host")]
    [InlineData("database.host", "database.host", "database:host")]
    [InlineData("Logging:LogLevel:Microsoft.AspNetCore", "Logging.LogLevel.Microsoft=2EAspNetCore", "Logging:LogLevel:Microsoft.AspNetCore")]
    [InlineData("Logging.LogLevel.Microsoft=2EAspNetCore", "Logging.LogLevel.Microsoft=2EAspNetCore", "Logging:LogLevel:Microsoft.AspNetCore")]
    [InlineData("single", "single", "single")]
    [InlineData("with space:x", "with=20space.x", "with space:x")]
    public void Text_with_a_colon_is_a_path_and_anything_else_a_key(string text, string key, string path)
    {
        var parsed = NatsKvConfigKey.Parse(text);

        Assert.Equal(key, parsed.Key);
        Assert.Equal(path, parsed.Path);
        Assert.True(NatsKvConfigKey.TryParse(text, out var tried, out _));
        Assert.Equal(parsed, tried);
    }

    [Fact]
    public void There_is_no_conversion_from_text_since_text_may_name_no_entry()
    {
        // A conversion must not throw: text becomes a key only through Parse, TryParse, FromPath or FromKey.
        Assert.DoesNotContain(typeof(NatsKvConfigKey).GetMethods(), method => method.Name is "op_Implicit" or "op_Explicit");
    }

    [Fact]
    public void From_path_takes_any_path_even_one_a_key_could_not_spell()
    {
        var key = NatsKvConfigKey.FromPath("my setting");

        Assert.Equal("my=20setting", key.Key);
        Assert.Equal(key, NatsKvConfigKey.FromKey("my=20setting"));
    }

    [Theory]
    [InlineData("bad key!")]
    [InlineData("a..b")]
    [InlineData(".a")]
    [InlineData("a=ZZ")]
    [InlineData("é")]
    public void An_invalid_key_is_refused_naming_it_and_the_allowed_characters(string key)
    {
        var exception = Assert.Throws<ArgumentException>(() => NatsKvConfigKey.FromKey(key));

        Assert.Contains($"'{key}'", exception.Message, StringComparison.Ordinal);
        Assert.Contains(NatsKvKeyMapper.AllowedKeyCharacters, exception.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => NatsKvConfigKey.Parse(key));
        Assert.False(NatsKvConfigKey.TryParse(key, out _, out var error));
        Assert.Equal(exception.Message.Split(" (Parameter")[0], error);
    }

    [Fact]
    public void An_empty_key_or_path_is_refused()
    {
        Assert.Throws<ArgumentException>(() => NatsKvConfigKey.Parse(""));
        Assert.Throws<ArgumentException>(() => NatsKvConfigKey.FromPath(""));
        Assert.False(NatsKvConfigKey.TryParse(null, out _, out _));
    }
}
