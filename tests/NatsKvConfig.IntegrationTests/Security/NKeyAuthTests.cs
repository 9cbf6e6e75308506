using NATS.Client.Core;
using NATS.NKeys;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Security;

public class NKeyAuthTests : IAsyncLifetime
{
    private readonly KeyPair _admin = KeyPair.CreatePair(PrefixByte.User);
    private readonly KeyPair _app = KeyPair.CreatePair(PrefixByte.User);
    private NatsServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await NatsServer.StartAsync(new NatsServerOptions
        {
            ServerName = "nkey-auth",
            ConfigurationText = $$"""
                authorization {
                  users = [
                    { nkey: {{_admin.GetPublicKey()}} }
                    { nkey: {{_app.GetPublicKey()}} }
                  ]
                }
                """,
            ClientAuth = new NatsAuthOpts { NKey = _admin.GetPublicKey(), Seed = _admin.GetSeed() },
        });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _admin.Dispose();
        _app.Dispose();
    }

    [Fact]
    public async Task An_NKey_seed_loads_the_bucket_and_receives_live_changes()
    {
        await using var bucket = await TestBucket.CreateAsync(_server.ClientOpts);

        await SecuredProvider.AssertLoadsAndFollowsChangesAsync(bucket, NatsOpts.Default with
        {
            Url = _server.Url,
            AuthOpts = new NatsAuthOpts { NKey = _app.GetPublicKey(), Seed = _app.GetSeed() },
        });
    }

    [Fact]
    public void A_seed_without_its_public_key_fails_start_up_because_NATS_Net_does_not_derive_it()
    {
        // docs/security.md tells users to set both; this pins why.
        var exception = SecuredProvider.AssertStartUpFails("any", NatsOpts.Default with
        {
            Url = _server.Url,
            AuthOpts = new NatsAuthOpts { Seed = _app.GetSeed() },
        });

        Assert.True(SecuredProvider.ChainMentions(exception, "Authorization Violation"), exception.ToString());
    }

    [Fact]
    public void An_NKey_the_server_does_not_know_fails_start_up()
    {
        using var stranger = KeyPair.CreatePair(PrefixByte.User);

        var exception = SecuredProvider.AssertStartUpFails("any", NatsOpts.Default with
        {
            Url = _server.Url,
            AuthOpts = new NatsAuthOpts { NKey = stranger.GetPublicKey(), Seed = stranger.GetSeed() },
        });

        Assert.True(SecuredProvider.ChainMentions(exception, "Authorization Violation"), exception.ToString());
    }

    [Fact]
    public void No_credentials_fail_start_up()
    {
        var exception = SecuredProvider.AssertStartUpFails("any", NatsOpts.Default with { Url = _server.Url });

        Assert.True(SecuredProvider.ChainMentions(exception, "Authorization Violation"), exception.ToString());
    }
}
