using Microsoft.Extensions.Configuration;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests;

/// <summary>
/// Orderings that once showed readers a state the bucket never had, or kept one it no longer has, against a
/// real server: each test failed before its fix.
/// </summary>
public class OrderingTests
{
    [Fact]
    public async Task A_sentinel_releases_exactly_the_changes_written_before_it_not_those_drained_with_it()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("release", "0");
        var pending = new PendingChanges();
        using var root = ProviderHarness.Build(bucket, pending, HoldForRelease);
        var provider = root.Provider();

        await bucket.PutAsync("a", "1");
        await bucket.PutAsync("release", "1");
        await bucket.PutAsync("b", "2");
        await Eventually.TrueAsync(() => root["release"] == "1", "the first change set is released");

        // Released with its sentinel: a. Written after it: b, held back for the next sentinel change.
        Assert.Equal("1", root["a"]);
        Assert.Null(root["b"]);
        await Eventually.TrueAsync(() => pending.HeldBackCount == 1, "b waits for the next sentinel change");

        // The watcher marks itself caught up just after it hands b over: waited for, not read in between.
        await Eventually.TrueAsync(() => provider.IsCaughtUp, "held-back changes do not count as falling behind");

        await bucket.PutAsync("release", "2");
        await Eventually.TrueAsync(() => root["release"] == "2", "the second change set is released");
        Assert.Equal("2", root["b"]);
        Assert.Equal(0, pending.HeldBackCount);
    }

    [Fact]
    public async Task A_key_written_on_both_sides_of_a_sentinel_change_shows_its_value_at_the_sentinel_first()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("release", "0");
        using var root = ProviderHarness.Build(bucket, HoldForRelease);
        var seen = new List<(string? Release, string? A)>();
        Microsoft.Extensions.Primitives.ChangeToken.OnChange(root.GetReloadToken, () =>
        {
            lock (seen)
            {
                seen.Add((root["release"], root["a"]));
            }
        });

        await bucket.PutAsync("a", "1");
        await bucket.PutAsync("release", "1");
        await bucket.PutAsync("a", "3"); // newer, but after the sentinel: not part of change set 1
        await Eventually.TrueAsync(() => root["release"] == "1", "the change set is released");
        Assert.Equal("1", root["a"]);

        await bucket.PutAsync("release", "2");
        await Eventually.TrueAsync(() => root["release"] == "2", "the next change set is released");
        Assert.Equal("3", root["a"]);

        // The view is swapped before its reload is raised: wait for the listener, not only for the value.
        await Eventually.TrueAsync(
            () =>
            {
                lock (seen)
                {
                    return seen.Count >= 2;
                }
            },
            "the listener has seen the second change set");
        lock (seen)
        {
            Assert.Equal([("1", "1"), ("2", "3")], seen);
        }
    }

    [Fact]
    public async Task Keys_lost_to_a_stream_purge_leave_the_configuration_even_when_the_key_count_does_not_shrink()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        for (var i = 0; i < 10; i++)
        {
            await bucket.PutAsync($"k{i}", $"v{i}");
        }

        var logs = new CapturingLoggerProvider();
        using var root = ProviderHarness.Build(bucket, logs: logs.CreateFactory());
        Assert.Equal("v9", root["k9"]);

        await new NatsJSContext(bucket.Connection).PurgeStreamAsync($"KV_{bucket.Name}", new StreamPurgeRequest());
        for (var i = 0; i < 5; i++)
        {
            await bucket.PutAsync($"k{i}", $"again{i}");
        }

        for (var i = 0; i < 10; i++)
        {
            await bucket.PutAsync($"temp{i}", "x"); // as many keys as were lost: the count alone cannot tell
            await bucket.DeleteAsync($"temp{i}");
        }

        await Eventually.TrueAsync(() => root["k5"] is null, "the purged keys that were not written again leave");
        Assert.Equal(
            Enumerable.Range(0, 5).ToDictionary(i => $"k{i}", i => (string?)$"again{i}"),
            root.AsEnumerable().Where(p => p.Value is not null).ToDictionary());
        var lost = Assert.Single(logs.Ours, e => e.EventId == 3006);
        Assert.Contains("5 keys", lost.Message, StringComparison.Ordinal);
        Assert.False(logs.Has(4003), "the apply loop crashed");
    }

    [Fact]
    public async Task A_cold_load_completes_when_the_newest_message_of_the_stream_is_gone()
    {
        // The load is complete at the stream's last sequence; when that message was removed, the watch never
        // delivers it, and the load must notice (at its last entry) rather than wait out the start-up timeout.
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        await bucket.PutAsync("b", "2");
        await bucket.PutAsync("c", "3");
        await bucket.DeleteAsync("c");

        // Purging the delete marker (as PurgeDeletes does) removes the last message; the last sequence stays.
        await new NatsJSContext(bucket.Connection).PurgeStreamAsync($"KV_{bucket.Name}", new StreamPurgeRequest { Filter = $"$KV.{bucket.Name}.c" });

        using var root = ProviderHarness.Build(bucket, source => source.StartupTimeout = TimeSpan.FromSeconds(20));
        var provider = root.Provider();

        Assert.True(provider.IsLoaded);
        Assert.Equal(new Dictionary<string, string?> { ["a"] = "1", ["b"] = "2" }, root.AsEnumerable().ToDictionary());
        await bucket.PutAsync("d", "4");
        await Eventually.TrueAsync(() => root["d"] == "4", "live changes follow");
    }

    [Fact]
    public async Task A_cold_load_of_a_purged_bucket_completes_at_once_and_empty()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        await new NatsJSContext(bucket.Connection).PurgeStreamAsync($"KV_{bucket.Name}", new StreamPurgeRequest());

        using var root = ProviderHarness.Build(bucket, source => source.StartupTimeout = TimeSpan.FromSeconds(20));

        Assert.True(root.Provider().IsLoaded);
        Assert.Empty(root.AsEnumerable());
        await bucket.PutAsync("b", "2");
        await Eventually.TrueAsync(() => root["b"] == "2", "live changes follow");
    }

    [Fact]
    public async Task A_cold_load_under_a_key_prefix_completes_whatever_was_written_outside_it_last()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("app.a", "1");
        await bucket.PutAsync("other.b", "2"); // the stream's last message, outside the prefix

        using var root = ProviderHarness.Build(bucket, source =>
        {
            source.KeyPrefix = "app";
            source.StartupTimeout = TimeSpan.FromSeconds(20);
        });

        Assert.True(root.Provider().IsLoaded);
        Assert.Equal(new Dictionary<string, string?> { ["a"] = "1" }, root.AsEnumerable().ToDictionary());
    }

    [Fact]
    public async Task An_OnLoadException_that_only_logs_does_not_cut_the_start_up_retry_window_short()
    {
        var port = FreePort();
        var name = BucketNames.Unique("late");
        var logs = new CapturingLoggerProvider();
        var calls = 0;
        var loading = Task.Run(() => new ConfigurationBuilder()
            .AddNatsKv(source =>
            {
                source.Bucket = name;
                source.Url = $"nats://127.0.0.1:{port}";
                source.StartupTimeout = TimeSpan.FromSeconds(30);
                source.LoggerFactory = logs.CreateFactory();
                source.OnWatchException = _ => TimeSpan.FromMilliseconds(100);
                source.OnLoadException = _ => Interlocked.Increment(ref calls); // logs, in a real app; does not ignore
            })
            .BuildRoot());

        // The first attempts are refused (no server yet): the load must go on retrying, not give up.
        await Eventually.TrueAsync(() => logs.Has(3001), "an attempt to load has failed");
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true, Port = port, ServerName = "late" });
        await using var bucket = await TestBucket.CreateAsync(server.Url, name: name);
        await bucket.PutAsync("greeting", "hello");

        using var root = await loading.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, Volatile.Read(ref calls));
        Assert.True(root.Provider().IsLoaded);
        Assert.Equal("hello", root["greeting"]);
    }

    [Fact]
    public async Task On_a_three_node_cluster_a_sentinel_releases_exactly_its_change_set_and_purged_keys_leave()
    {
        await using var cluster = await NatsCluster.StartAsync(3);
        await using var bucket = await TestBucket.CreateAsync(cluster.Url, replicas: 3);
        for (var i = 0; i < 4; i++)
        {
            await bucket.PutAsync($"k{i}", $"v{i}");
        }

        await bucket.PutAsync("release", "0");
        var logs = new CapturingLoggerProvider();
        using var root = ProviderHarness.Build(bucket, HoldForRelease, logs.CreateFactory());

        await bucket.PutAsync("a", "1");
        await bucket.PutAsync("release", "1");
        await bucket.PutAsync("b", "2");
        await Eventually.TrueAsync(() => root["release"] == "1", "the change set is released");
        Assert.Equal("1", root["a"]);
        Assert.Null(root["b"]);

        // A purge of the R3 stream, then two of the lost keys and the sentinel written again, and as many temporary
        // keys as keep the stream's key count from shrinking: the others leave, by the exact rule.
        await new NatsJSContext(bucket.Connection).PurgeStreamAsync($"KV_{bucket.Name}", new StreamPurgeRequest());
        await bucket.PutAsync("k0", "again");
        await bucket.PutAsync("a", "1");
        for (var i = 0; i < 6; i++)
        {
            await bucket.PutAsync($"temp{i}", "x");
            await bucket.DeleteAsync($"temp{i}");
        }

        await bucket.PutAsync("release", "2");
        await Eventually.TrueAsync(() => root["k1"] is null && root["release"] == "2", "the keys lost to the purge leave");
        Assert.Equal("again", root["k0"]);
        Assert.Equal("1", root["a"]);
        Assert.Null(root["b"]); // held back before the purge, and lost with it: never released
        Assert.True(logs.Has(3006), "the lost keys are reported");
    }

    // Sentinel "release", and a reload delay long enough that puts written one after another are drained as one batch.
    private static void HoldForRelease(NatsKvConfigurationSource source)
    {
        source.SentinelKey = "release";
        source.ReloadDelay = TimeSpan.FromMilliseconds(400);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
