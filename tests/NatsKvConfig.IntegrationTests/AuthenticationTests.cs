using Microsoft.Extensions.Configuration;
using NATS.Client.Core;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests;

public class AuthenticationTests
{
    private const string User = "config-reader";
    private const string Password = "pa55-never-logged";

    private static async Task<NatsServer> StartServerWithPasswordAsync()
    {
        return await NatsServer.StartAsync(new NatsServerOptions
        {
            ForceLocalProcess = true,
            ServerName = "auth",
            Username = User,
            Password = Password,
        });
    }

    [Fact]
    public async Task NatsOpts_carry_credentials_win_over_Url_and_the_credentials_are_never_logged()
    {
        await using var server = await StartServerWithPasswordAsync();
        var authenticatedUrl = $"nats://{User}:{Password}@127.0.0.1:{server.Port}";
        await using var bucket = await TestBucket.CreateAsync(authenticatedUrl);
        await bucket.PutAsync("a", "1");
        var logs = new CapturingLoggerProvider();

        using var root = new ConfigurationBuilder()
            .AddNatsKv(bucket.Name, source =>
            {
                source.Url = "nats://127.0.0.1:1"; // ignored: NatsOpts wins
                source.NatsOpts = NatsOpts.Default with
                {
                    Url = server.Url,
                    AuthOpts = NatsAuthOpts.Default with { Username = User, Password = Password },
                    LoggerFactory = logs.CreateFactory(),
                };
                source.LoggerFactory = logs.CreateFactory();
            })
            .BuildRoot();

        Assert.Equal("1", root["a"]);
        await bucket.PutAsync("a", "2");
        await Eventually.TrueAsync(() => root["a"] == "2", "live changes arrive over the authenticated connection");
        Assert.NotEmpty(logs.Entries);
        Assert.DoesNotContain(logs.Entries, e => e.Everything.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_password_fails_start_up_without_showing_any_credential()
    {
        await using var server = await StartServerWithPasswordAsync();
        var logs = new CapturingLoggerProvider();

        var exception = Assert.Throws<NatsKvConfigurationException>(() => ProviderHarness.Build(
            "any",
            $"nats://{User}:wrong-{Password}@127.0.0.1:{server.Port}",
            s => s.StartupTimeout = TimeSpan.FromSeconds(2),
            logs.CreateFactory()));

        Assert.Contains($"nats://127.0.0.1:{server.Port}", exception.Message, StringComparison.Ordinal);
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            Assert.DoesNotContain(Password, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(User, e.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(logs.Ours, e => e.Everything.Contains(Password, StringComparison.Ordinal) || e.Everything.Contains(User, StringComparison.Ordinal));
    }
}
