using NATS.Client.Core;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Security;

public class TokenAuthTests : IAsyncLifetime
{
    private const string Token = "t0ken-for-config-7f3a";
    private NatsServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await NatsServer.StartAsync(new NatsServerOptions { Token = Token, ServerName = "token-auth" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_token_in_NatsOpts_loads_the_bucket_and_receives_live_changes()
    {
        await using var bucket = await TestBucket.CreateAsync(_server.ClientOpts);

        await SecuredProvider.AssertLoadsAndFollowsChangesAsync(bucket, NatsOpts.Default with
        {
            Url = _server.Url,
            AuthOpts = new NatsAuthOpts { Token = Token },
        });
    }

    [Fact]
    public async Task A_token_in_the_Url_loads_the_bucket_too()
    {
        await using var bucket = await TestBucket.CreateAsync(_server.ClientOpts);
        await bucket.PutAsync("a", "1");

        using var root = ProviderHarness.Build(bucket.Name, $"nats://{Token}@127.0.0.1:{_server.Port}");

        Assert.Equal("1", root["a"]);
    }

    [Fact]
    public void A_wrong_token_fails_start_up()
    {
        var exception = SecuredProvider.AssertStartUpFails("any", NatsOpts.Default with
        {
            Url = _server.Url,
            AuthOpts = new NatsAuthOpts { Token = "not-" + Token },
        });

        Assert.True(SecuredProvider.ChainMentions(exception, "Authorization Violation"), exception.ToString());
    }

    [Fact]
    public void No_token_fails_start_up()
    {
        var exception = SecuredProvider.AssertStartUpFails("any", NatsOpts.Default with { Url = _server.Url });

        Assert.True(SecuredProvider.ChainMentions(exception, "Authorization Violation"), exception.ToString());
    }
}
