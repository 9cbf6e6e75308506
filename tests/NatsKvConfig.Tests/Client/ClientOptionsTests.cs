namespace NatsKvConfig.Tests.Client;

public class ClientOptionsTests
{
    [Theory]
    [InlineData(null, null, null, 16, "Bucket")]
    [InlineData("b c", null, null, 16, "Bucket")]
    [InlineData("b", "", null, 16, "KeyPrefix")]
    [InlineData("b", "a..b", null, 16, "KeyPrefix")]
    [InlineData("b", null, "bad key", 16, "SentinelKey")]
    [InlineData("b", null, null, 0, "MaxConcurrentWrites")]
    public void Each_invalid_option_is_named(string? bucket, string? prefix, string? sentinel, int concurrency, string name)
    {
        var options = new NatsKvConfigClientOptions { Bucket = bucket, KeyPrefix = prefix, SentinelKey = sentinel, MaxConcurrentWrites = concurrency };

        var exception = Assert.Throws<ArgumentException>(() => options.Validate("options"));

        Assert.Equal("options", exception.ParamName);
        Assert.Contains(name, exception.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Valid_options_pass()
    {
        new NatsKvConfigClientOptions { Bucket = "app-config_1", KeyPrefix = "billing.prod", SentinelKey = "config.version" }.Validate("options");
    }
}
