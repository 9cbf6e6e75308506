using Microsoft.Extensions.Primitives;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;
using static NatsKvConfig.IntegrationTests.Infrastructure.CounterWorkload;

namespace NatsKvConfig.IntegrationTests.Cluster;

/// <summary>
/// Faults of a 3-node JetStream cluster on loopback with R3 buckets. Each test ends with the provider holding
/// exactly the bucket's final state, and no key ever going back to an older value on the way.
/// </summary>
public class ClusterFaultTests
{
    private const int Keys = 20;

    private static async Task<int> StreamLeaderAsync(NatsCluster cluster, TestBucket bucket)
    {
        var js = new NatsJSContext(bucket.Connection);
        var leader = -1;
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    var stream = await js.GetStreamAsync($"KV_{bucket.Name}");
                    leader = stream.Info.Cluster?.Leader is { } name ? cluster.IndexOfNode(name) : -1;
                }
                catch (NatsException)
                {
                    leader = -1;
                }

                return leader >= 0;
            },
            "the bucket's stream has a leader",
            Long);
        return leader;
    }

    [Fact]
    public async Task Killing_the_node_the_provider_is_connected_to_during_a_burst_loses_no_update()
    {
        await using var scenario = await ClusterScenario.StartAsync();
        var (cluster, bucket, connection, root) = (scenario.Cluster, scenario.Bucket, scenario.Connection, scenario.Root);
        using var regressions = new CounterRegressionWatch(root, Keys);

        await WriteAsync(bucket, 0, 300, Keys, CancellationToken.None);
        var victim = cluster.IndexOfNode(connection.ServerInfo!.Name);
        using var writing = new CancellationTokenSource(Long);
        var writer = WriteAsync(bucket, 300, 1_000, Keys, writing.Token);
        await cluster.KillNodeAsync(victim);
        await writer;

        await AssertProviderMatchesBucketAsync(root, bucket, "the provider holds the final state after losing its node");
        Assert.Equal("999", root["c:19"]);
        Assert.NotEqual(cluster.Nodes[victim].ServerName, connection.ServerInfo!.Name);
        Assert.Empty(regressions.Regressions);
    }

    [Fact]
    public async Task Killing_the_stream_leader_and_then_restarting_every_node_in_turn_loses_no_update()
    {
        await using var scenario = await ClusterScenario.StartAsync();
        var (cluster, bucket, root) = (scenario.Cluster, scenario.Bucket, scenario.Root);
        using var regressions = new CounterRegressionWatch(root, Keys);
        using var writing = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var next = 0;

        async Task WriteSomeAsync(int count)
        {
            await WriteAsync(bucket, next, next + count, Keys, writing.Token);
            next += count;
        }

        await WriteSomeAsync(100);
        var leader = await StreamLeaderAsync(cluster, bucket);
        var writer = WriteSomeAsync(200);
        await cluster.KillNodeAsync(leader);
        await writer;
        Assert.NotEqual(leader, await StreamLeaderAsync(cluster, bucket)); // another node leads now
        await cluster.RestartNodeAsync(leader);

        for (var node = 0; node < cluster.Nodes.Count; node++)
        {
            writer = WriteSomeAsync(100);
            await cluster.RestartNodeAsync(node); // graceful stop, start again, wait until the cluster is whole
            await writer;
        }

        await WriteSomeAsync(50);
        await AssertProviderMatchesBucketAsync(root, bucket, "the provider holds the final state after a leader kill and a rolling restart");
        Assert.Equal((next - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), root[$"c:{(next - 1) % Keys}"]);
        Assert.Empty(regressions.Regressions);
    }

    [Fact]
    public async Task With_the_whole_cluster_down_for_10_seconds_the_last_values_are_served_and_updates_resume_after()
    {
        await using var scenario = await ClusterScenario.StartAsync();
        var (cluster, bucket, root) = (scenario.Cluster, scenario.Bucket, scenario.Root);
        var provider = scenario.Provider;
        using var regressions = new CounterRegressionWatch(root, Keys);
        await WriteAsync(bucket, 0, 200, Keys, CancellationToken.None);
        await AssertProviderMatchesBucketAsync(root, bucket, "the provider has the state before the outage");

        await Task.WhenAll(Enumerable.Range(0, 3).Select(i => cluster.KillNodeAsync(i)));
        await Eventually.TrueAsync(() => !provider.IsConnected, "the provider notices the outage", Long);
        var outage = Task.Delay(TimeSpan.FromSeconds(10)); // the outage itself, not a wait for anything
        while (!outage.IsCompleted)
        {
            Assert.Equal("199", root["c:19"]); // the last values stay served throughout
            await Task.WhenAny(outage, Task.Delay(500));
        }

        await Task.WhenAll(Enumerable.Range(0, 3).Select(i => cluster.RestartNodeAsync(i)));
        await cluster.WaitUntilReadyAsync();
        await WriteAsync(bucket, 200, 400, Keys, new CancellationTokenSource(Long).Token);

        await AssertProviderMatchesBucketAsync(root, bucket, "the provider catches up after the cluster is back");
        Assert.Equal("399", root["c:19"]);
        Assert.True(provider.IsConnected);
        Assert.Empty(regressions.Regressions);
    }

    [Fact]
    public async Task A_listener_that_blocks_for_a_second_per_reload_during_a_10000_put_burst_loses_nothing_and_bounds_memory()
    {
        const int BurstKeys = 100;
        await using var scenario = await ClusterScenario.StartAsync();
        var (bucket, root, logs) = (scenario.Bucket, scenario.Root, scenario.Logs);
        var provider = scenario.Provider;
        using var regressions = new CounterRegressionWatch(root, BurstKeys);
        var slowCalls = 0;
        using var slow = ChangeToken.OnChange(root.GetReloadToken, () =>
        {
            Interlocked.Increment(ref slowCalls);
            Thread.Sleep(1000); // the slow listener under test: it blocks the reload that calls it
        });

        var maxPending = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                maxPending = Math.Max(maxPending, scenario.Pending.Count);
                await Task.Delay(5);
            }
        });

        await WriteParallelAsync(bucket, BurstKeys, 100, new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);
        await Eventually.TrueAsync(() => root[$"c:{BurstKeys - 1}"] == "100" && Enumerable.Range(0, BurstKeys).All(k => root[$"c:{k}"] == "100"), "every key reaches its last value", Long);
        await sampling.CancelAsync();
        await sampler;

        await AssertProviderMatchesBucketAsync(root, bucket, "the provider holds the burst's final state");
        Assert.InRange(maxPending, 0, BurstKeys); // pending changes are kept per key, not per put
        Assert.InRange(Volatile.Read(ref slowCalls), 1, 60); // batches, not one reload per put
        Assert.False(logs.Has(3001), "the watch never failed (no slow-consumer disconnect)");
        Assert.DoesNotContain(logs.Entries, e => e.Everything.Contains("slow consumer", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(regressions.Regressions);
    }

    [Fact]
    public async Task A_replicated_bucket_deleted_and_recreated_under_a_running_provider_is_loaded_in_full()
    {
        await using var scenario = await ClusterScenario.StartAsync();
        var (bucket, root, logs) = (scenario.Bucket, scenario.Root, scenario.Logs);
        await WriteAsync(bucket, 0, 100, Keys, CancellationToken.None);
        await AssertProviderMatchesBucketAsync(root, bucket, "loaded before the delete");

        await bucket.Kv.DeleteStoreAsync(bucket.Name);
        await Eventually.TrueAsync(() => logs.Has(3002), "the missing bucket is reported", Long);
        Assert.Equal("99", root["c:19"]); // the last values are kept

        var recreated = await Stores.CreateAsync(bucket.Kv, new NATS.Client.KeyValueStore.NatsKVConfig(bucket.Name) { History = 10, NumberOfReplicas = 3 });
        await recreated.PutAsync("c.0", "fresh"u8.ToArray());

        await Eventually.TrueAsync(() => root["c:0"] == "fresh" && root["c:19"] is null, "the recreated bucket replaces the old state", Long);
        await AssertProviderMatchesBucketAsync(root, bucket, "the provider holds exactly the recreated bucket");
    }
}
