using Microsoft.Extensions.Configuration;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests;

public class SentinelTests
{
    [Fact]
    public async Task Changes_wait_for_the_sentinel_and_then_arrive_together_in_one_reload()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("db.host", "old-host");
        await bucket.PutAsync("db.port", "1");
        await bucket.PutAsync("config.version", "1");
        var pending = new PendingChanges();
        using var root = ProviderHarness.Build(bucket, pending, s => s.SentinelKey = "config.version");
        var provider = root.Provider();
        var reloads = root.CountReloads();
        var seenTogether = new List<(string? Host, string? Port)>();
        Microsoft.Extensions.Primitives.ChangeToken.OnChange(root.GetReloadToken, () =>
        {
            lock (seenTogether)
            {
                seenTogether.Add((root["db:host"], root["db:port"]));
            }
        });

        await bucket.PutAsync("db.host", "new-host");
        await bucket.PutAsync("db.port", "2");
        await Eventually.TrueAsync(() => pending.HeldBackCount == 2, "both changes reach the provider and are held back");
        Assert.Equal("old-host", root["db:host"]);
        Assert.Equal("1", root["db:port"]);
        Assert.Equal(0, reloads());
        await Eventually.TrueAsync(() => provider.IsCaughtUp, "held-back changes do not count as falling behind"); // set just after the hand-over

        await bucket.PutAsync("config.version", "2");
        await Eventually.TrueAsync(() => root["config:version"] == "2" && reloads() == 1, "the sentinel releases the change set");

        Assert.Equal("new-host", root["db:host"]);
        Assert.Equal("2", root["db:port"]);
        Assert.Equal(0, pending.HeldBackCount);
        lock (seenTogether)
        {
            Assert.Equal([("new-host", "2")], seenTogether); // one reload, and it saw both changes at once
        }
    }

    [Fact]
    public async Task Without_a_sentinel_change_a_restart_still_sees_the_latest_values()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        await bucket.PutAsync("sentinel", "1");
        await bucket.PutAsync("a", "2"); // written after the sentinel, and the sentinel never changed again

        using var root = ProviderHarness.Build(bucket, s => s.SentinelKey = "sentinel");

        Assert.Equal("2", root["a"]); // the initial load is never held back: a cold start reads the bucket as it is
    }

    [Fact]
    public void An_invalid_sentinel_key_fails_with_a_message_naming_it()
    {
        var exception = Assert.Throws<ArgumentException>(() =>
            new ConfigurationBuilder().AddNatsKv("bucket", s => s.SentinelKey = "bad key!").Build());

        Assert.Contains("SentinelKey 'bad key!'", exception.Message, StringComparison.Ordinal);
        Assert.Equal("configure", exception.ParamName);
    }
}
