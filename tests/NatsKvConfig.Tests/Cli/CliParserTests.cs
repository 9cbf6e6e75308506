using CsCheck;
using NatsKvConfig.Cli;
using NatsKvConfig.Cli.Parsing;

namespace NatsKvConfig.Tests.Cli;

public class CliParserTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("10m", 600_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("7d", 604_800_000)]
    [InlineData("1w", 604_800_000)]
    [InlineData("01:30:00", 5_400_000)]
    [InlineData(" 5S ", 5_000)]
    public void Durations_parse_as_the_nats_cli_writes_them(string text, long milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("10")]
    [InlineData("10x")]
    [InlineData("h")]
    [InlineData("-5m")]
    [InlineData("99999999999999999999y")]
    public void Anything_else_is_not_a_duration(string text) => Assert.False(DurationParser.TryParse(text, out _));

    [Theory]
    [InlineData("1024", 1024)]
    [InlineData("-1", -1)]
    [InlineData("512K", 512 * 1024)]
    [InlineData("10MB", 10L << 20)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("2 gb", 2L << 30)]
    public void Sizes_parse_with_binary_units(string text, long bytes)
    {
        Assert.True(ByteSizeParser.TryParse(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("1.5G")]
    [InlineData("10XB")]
    [InlineData("-2")]
    [InlineData("99999999999T")]
    public void Anything_else_is_not_a_size(string text) => Assert.False(ByteSizeParser.TryParse(text, out _));

    [Fact]
    public void Times_are_iso_8601_in_utc_or_durations_ago()
    {
        var now = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

        Assert.True(TimePointParser.TryParse("2026-11-26T10:15:00Z", now, out var iso));
        Assert.True(TimePointParser.TryParse("2026-11-26T10:15:00", now, out var noOffset));
        Assert.True(TimePointParser.TryParse("2026-11-26T11:15:00+01:00", now, out var offset));
        Assert.True(TimePointParser.TryParse("15m", now, out var ago));
        Assert.True(TimePointParser.TryParse("2h ago", now, out var agoWords));
        Assert.False(TimePointParser.TryParse("yesterday-ish", now, out _));

        Assert.Equal(new DateTimeOffset(2026, 11, 26, 10, 15, 0, TimeSpan.Zero), iso);
        Assert.Equal(iso, noOffset);
        Assert.Equal(iso.UtcDateTime, offset.UtcDateTime);
        Assert.Equal(now.AddMinutes(-15), ago);
        Assert.Equal(now.AddHours(-2), agoWords);
    }

    [Fact]
    public void Any_duration_written_in_seconds_and_milliseconds_round_trips() =>
        Gen.Int[0, 1_000_000].Select(Gen.Int[0, 999]).Sample((seconds, milliseconds) =>
        {
            Assert.True(DurationParser.TryParse($"{seconds}s{milliseconds}ms", out var duration));
            Assert.Equal(TimeSpan.FromSeconds(seconds) + TimeSpan.FromMilliseconds(milliseconds), duration);
        });

    [Theory]
    [InlineData("cannot connect to nats://admin:s3cret@10.0.0.1:4222", "cannot connect to nats://10.0.0.1:4222")]
    [InlineData("urls nats://t0ken@a:4222,tls://u:p@b:4222", "urls nats://a:4222,tls://b:4222")]
    [InlineData("no credentials at nats://host:4222", "no credentials at nats://host:4222")]
    public void Urls_lose_their_user_info(string text, string expected) => Assert.Equal(expected, SecretRedactor.RedactUrls(text));

    [Fact]
    public void Secrets_given_to_the_run_never_survive_redaction() =>
        Gen.String[Gen.Char.AlphaNumeric, 3, 40].Select(Gen.String).Sample((secret, text) =>
        {
            var redacted = SecretRedactor.Redact($"{text}{secret}{text}", [secret]);
            Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal);
        });
}
