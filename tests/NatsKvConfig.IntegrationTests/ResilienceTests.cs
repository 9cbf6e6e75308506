using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;
using static NatsKvConfig.IntegrationTests.Infrastructure.CounterWorkload;

namespace NatsKvConfig.IntegrationTests;

public class ResilienceTests
{
    [Fact]
    public async Task After_kill_9_and_a_restart_on_the_same_port_and_store_updates_flow_again_and_nothing_is_missed()
    {
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true, ServerName = "restart" });
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "before");
        var logs = new CapturingLoggerProvider();
        using var root = ProviderHarness.Build(bucket, s => s.OnWatchException = _ => TimeSpan.FromMilliseconds(100), logs.CreateFactory());
        var provider = root.Provider();

        await WriteAsync(bucket, 0, 200, 10, CancellationToken.None);
        await server.KillAsync();
        await Eventually.TrueAsync(() => !provider.IsConnected, "the provider notices the server is gone", Long);
        Assert.Equal("before", root["a"]); // the last values are still served

        await server.RestartAsync();
        await Eventually.TrueAsync(() => provider.IsConnected, "the provider reconnects", Long);
        await WriteAsync(bucket, 200, 400, 10, CancellationToken.None);

        // NATS.Net alone would need two missed heartbeats (~10 s) to notice its consumer is gone.
        await Eventually.TrueAsync(() => root["c:9"] == "399", "updates flow again soon after the reconnect", TimeSpan.FromSeconds(8));
        await AssertProviderMatchesBucketAsync(root, bucket, "the provider holds the bucket's final state");
        Assert.True(logs.Has(3004), "the disconnect is logged");
    }

    [Fact]
    public async Task A_bucket_deleted_while_watching_keeps_the_last_values_and_a_recreated_bucket_is_loaded_in_full()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        await bucket.PutAsync("b", "2");
        var logs = new CapturingLoggerProvider();
        using var root = ProviderHarness.Build(bucket, s => s.OnWatchException = _ => TimeSpan.FromMilliseconds(100), logs.CreateFactory());
        var reloads = root.CountReloads();

        await bucket.Kv.DeleteStoreAsync(bucket.Name);

        await Eventually.TrueAsync(() => logs.Has(3002), "the missing bucket is reported as an error", Long);
        var error = logs.Ours.First(e => e.EventId == 3002);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, error.Level);
        Assert.Contains(bucket.Name, error.Message, StringComparison.Ordinal);
        Assert.Equal("1", root["a"]);
        Assert.Equal("2", root["b"]);

        var recreated = await Stores.CreateAsync(bucket.Kv, new NATS.Client.KeyValueStore.NatsKVConfig(bucket.Name) { History = 10 });
        await recreated.PutAsync("a", "new"u8.ToArray());

        // The view is swapped before the reload is raised: wait for both.
        await Eventually.TrueAsync(() => root["a"] == "new" && root["b"] is null && reloads() >= 1, "the recreated bucket replaces the old state and a reload announces it", Long);

        await recreated.PutAsync("c", "3"u8.ToArray());
        await Eventually.TrueAsync(() => root["c"] == "3", "live changes of the recreated bucket arrive", Long);
    }

    [Fact]
    public async Task A_batch_that_fails_to_apply_keeps_the_last_configuration_and_the_full_state_is_read_again()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        await bucket.PutAsync("b", "kept");
        var logs = new CapturingLoggerProvider();
        var failure = new ProviderHarness.InjectedApplyFailure();
        using var root = ProviderHarness.Build(bucket, new PendingChanges(), logs: logs.CreateFactory(), beforeApply: failure.Hook);
        var provider = root.Provider();
        failure.Arm();

        await bucket.PutAsync("a", "2");
        await Eventually.TrueAsync(() => logs.Has(4004), "the failure is logged");
        Assert.Equal("kept", root["b"]); // the last good configuration stays

        await Eventually.TrueAsync(() => root["a"] == "2" && provider.IsCaughtUp, "the full state is read again and applied");
        await bucket.PutAsync("a", "3");
        await Eventually.TrueAsync(() => root["a"] == "3", "live changes flow again");
        Assert.False(logs.Has(4003), "the loop did not end");
    }
    [Fact]
    public async Task A_failed_part_of_the_initial_state_is_never_followed_by_an_incomplete_state_being_published()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        const int Keys = 2_000; // enough that the watch is still reading when the first part fails
        await Task.WhenAll(Enumerable.Range(0, Keys).Select(i => bucket.PutAsync($"k{i}", $"v{i}").AsTask()));

        var logs = new CapturingLoggerProvider();
        var source = new NatsKvConfigurationSource
        {
            Bucket = bucket.Name,
            Url = bucket.Url,
            LoggerFactory = logs.CreateFactory(),
            OnWatchException = _ => TimeSpan.FromMilliseconds(50),
        };

        // The state comes in parts of 50; the first part to be applied fails. The parts after it must not be
        // published as the state (they lack the first), whatever the timing: the full state is read again.
        var published = new List<int>();
        using var provider = new NatsKvConfigurationProvider(source, new PendingChanges(fullStatePartSize: 50), ProviderHarness.InjectedApplyFailure.Armed().Hook);
        Microsoft.Extensions.Primitives.ChangeToken.OnChange(provider.GetReloadToken, () =>
        {
            lock (published)
            {
                published.Add(provider.GetChildKeys([], null).Count());
            }
        });

        provider.Load();

        Assert.True(provider.IsLoaded);
        Assert.True(logs.Has(4004), "the injected failure happened");
        Assert.Equal(Keys, provider.GetChildKeys([], null).Count());
        Assert.True(provider.TryGet("k0", out var first) && first == "v0");
        lock (published)
        {
            Assert.All(published, count => Assert.Equal(Keys, count));
        }
    }
}
