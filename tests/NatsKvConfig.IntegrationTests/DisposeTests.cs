using Microsoft.Extensions.Configuration;
using NATS.Client.Core;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests;

public class DisposeTests
{
    [Fact]
    public async Task Dispose_stops_the_watch_is_idempotent_raises_no_reload_and_leaves_a_shared_connection_open()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        await using var shared = new NatsConnection(NatsOpts.Default with { Url = server.Url });
        await shared.ConnectAsync();

        var root = new ConfigurationBuilder().AddNatsKv(bucket.Name, s => s.Connection = shared).BuildRoot();
        var provider = root.Provider();
        var reloads = root.CountReloads();
        Assert.Equal("1", root["a"]);

        root.Dispose();
        root.Dispose();
        provider.Dispose();

        await bucket.PutAsync("a", "2");
        // A live provider proves the change was delivered; the disposed one must not have taken it.
        using var live = ProviderHarness.Build(bucket);
        Assert.Equal("2", live["a"]);
        Assert.Equal("1", provider.TryGet("a", out var value) ? value : null);
        Assert.Equal(0, reloads());
        Assert.Equal(NatsConnectionState.Open, shared.ConnectionState);
    }

    [Fact]
    public async Task Two_providers_can_share_one_connection()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var first = await TestBucket.CreateAsync(server.Url);
        await using var second = await TestBucket.CreateAsync(server.Url);
        await first.PutAsync("one", "1");
        await second.PutAsync("two", "2");
        await using var shared = new NatsConnection(NatsOpts.Default with { Url = server.Url });

        using var root = new ConfigurationBuilder()
            .AddNatsKv(first.Name, s => s.Connection = shared)
            .AddNatsKv(second.Name, s => s.Connection = shared)
            .BuildRoot();

        Assert.Equal("1", root["one"]);
        Assert.Equal("2", root["two"]);
    }
}
