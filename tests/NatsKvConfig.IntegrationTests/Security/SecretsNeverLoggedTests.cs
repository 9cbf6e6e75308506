using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Security;

/// <summary>
/// Credentials and configuration values never show in a log line (ours or NATS.Net's, down to Trace) or in an
/// exception (message, <c>ToString()</c>, inner exceptions), also when start-up fails.
/// </summary>
public class SecretsNeverLoggedTests
{
    private const string User = "config-reader";
    private const string RightPassword = "right-Pa55word-4b1e";
    private const string WrongPassword = "wrong-Pa55word-93c7";
    private const string RightToken = "right-t0ken-5d2a";
    private const string WrongToken = "wrong-t0ken-a81f";
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_start_up_that_fails_with_a_wrong_password_in_NatsOpts_shows_the_password_nowhere()
    {
        await using var server = await StartAsync(new NatsServerOptions { Username = User, Password = RightPassword });
        var scan = FailStartUp(server, new NatsAuthOpts { Username = User, Password = WrongPassword });

        scan.AssertNowhere(WrongPassword, minimumSources: 10);
        scan.AssertNowhere(RightPassword);
        Assert.Contains("Authorization Violation", scan.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_start_up_that_fails_with_a_wrong_token_in_NatsOpts_shows_the_token_nowhere()
    {
        await using var server = await StartAsync(new NatsServerOptions { Token = RightToken });
        var scan = FailStartUp(server, new NatsAuthOpts { Token = WrongToken });

        scan.AssertNowhere(WrongToken, minimumSources: 10);
        scan.AssertNowhere(RightToken);
        Assert.Contains("Authorization Violation", scan.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_start_up_that_fails_with_a_wrong_password_in_the_Url_shows_the_password_nowhere()
    {
        await using var server = await StartAsync(new NatsServerOptions { Username = User, Password = RightPassword });
        var scan = FailStartUp(server, url: $"nats://{User}:{WrongPassword}@127.0.0.1:{server.Port}");

        scan.AssertNowhere(WrongPassword, minimumSources: 10);
        Assert.Contains("Authorization Violation", scan.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_start_up_that_fails_with_a_wrong_token_in_the_Url_shows_the_token_nowhere()
    {
        await using var server = await StartAsync(new NatsServerOptions { Token = RightToken });
        var scan = FailStartUp(server, url: $"nats://{WrongToken}@127.0.0.1:{server.Port}");

        scan.AssertNowhere(WrongToken, minimumSources: 10);
        Assert.Contains("Authorization Violation", scan.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Configuration_values_and_the_password_are_logged_nowhere_while_loading_and_watching()
    {
        const string SecretValue = "s3cret-value-0f9e";
        const string SecretInBrokenJson = "s3cret-in-broken-json-77ab";
        const string SecretInBadUtf8 = "s3cret-next-to-bad-utf8-c4d0";
        await using var server = await StartAsync(new NatsServerOptions { Username = User, Password = RightPassword });
        await using var bucket = await TestBucket.CreateAsync(server.ClientOpts);
        await bucket.PutAsync("db.password", SecretValue);
        await bucket.PutAsync("db.settings", "{\"password\":\"" + SecretInBrokenJson + "\",");
        await bucket.PutBytesAsync("db.binary", [.. System.Text.Encoding.UTF8.GetBytes(SecretInBadUtf8), 0xFF, 0xFE]);
        var logs = new CapturingLoggerProvider();

        using (var root = new ConfigurationBuilder()
            .AddNatsKv(bucket.Name, source =>
            {
                source.NatsOpts = NatsOpts.Default with
                {
                    Url = server.Url,
                    AuthOpts = new NatsAuthOpts { Username = User, Password = RightPassword },
                    LoggerFactory = logs.CreateFactory(LogLevel.Trace),
                };
                source.LoggerFactory = logs.CreateFactory(LogLevel.Trace);
            })
            .BuildRoot())
        {
            Assert.Equal(SecretValue, root["db:password"]);
            await bucket.PutAsync("db.password", SecretValue + "-rotated");
            await Eventually.TrueAsync(() => root["db:password"] == SecretValue + "-rotated", "the rotated value arrives");
        }

        Assert.True(logs.Has(2003), "the broken JSON value was reported (by key)");
        Assert.True(logs.Has(2002), "the value that is not UTF-8 was reported (by key)");
        var scan = new SecretScan().Add(logs);
        scan.AssertNowhere(SecretValue, minimumSources: 10);
        scan.AssertNowhere(SecretInBrokenJson);
        scan.AssertNowhere(SecretInBadUtf8);
        scan.AssertNowhere(RightPassword);
    }

    private static Task<NatsServer> StartAsync(NatsServerOptions options)
    {
        options.ForceLocalProcess = true;
        return NatsServer.StartAsync(options);
    }

    /// <summary>
    /// Builds configuration that must fail, with every log (ours and NATS.Net's) captured at Trace, and returns
    /// everything it showed.
    /// </summary>
    private static SecretScan FailStartUp(NatsServer server, NatsAuthOpts? auth = null, string? url = null)
    {
        var logs = new CapturingLoggerProvider();
        var exception = Assert.Throws<NatsKvConfigurationException>(() => new ConfigurationBuilder()
            .AddNatsKv("any", source =>
            {
                source.StartupTimeout = FailFast;
                source.LoggerFactory = logs.CreateFactory(LogLevel.Trace);
                if (url is not null)
                {
                    source.Url = url; // NATS.Net then logs to the source's LoggerFactory
                }
                else
                {
                    source.NatsOpts = NatsOpts.Default with
                    {
                        Url = server.Url,
                        AuthOpts = auth!,
                        LoggerFactory = logs.CreateFactory(LogLevel.Trace),
                    };
                }
            })
            .BuildRoot());

        Assert.Contains(logs.Entries, e => e.Category.StartsWith("NATS.", StringComparison.Ordinal) && e.Level == LogLevel.Trace);
        return new SecretScan().Add(logs).Add(exception);
    }
}
