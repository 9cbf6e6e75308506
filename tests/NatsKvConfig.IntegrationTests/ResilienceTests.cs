using System.Globalization;
using Microsoft.Extensions.Configuration;
using NATS.Client.Core;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests;

public class ResilienceTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(45);

    /// <summary>Puts a counter into <paramref name="keys"/> keys, retrying each put until the (possibly failing) server takes it.</summary>
    private static async Task WriteCounterAsync(TestBucket bucket, int from, int to, int keys, CancellationToken cancellationToken)
    {
        for (var i = from; i < to; i++)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    await bucket.PutAsync($"c.{i % keys}", i.ToString(CultureInfo.InvariantCulture));
                    break;
                }
                catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException)
                {
                    await Task.Delay(50, cancellationToken); // the server is down: try this write again
                }
            }
        }
    }

    private static async Task AssertProviderMatchesBucketAsync(IConfigurationRoot root, TestBucket bucket, string because)
    {
        var expected = await bucket.ReadAllAsync();
        await Eventually.TrueAsync(
            () => expected.All(pair => root[NatsKvKeyMapper.ToPath(pair.Key)] == pair.Value)
                && root.AsEnumerable().Count(pair => pair.Value is not null) == expected.Count,
            because,
            Long);
    }

    [Fact]
    public async Task After_kill_9_and_a_restart_on_the_same_port_and_store_updates_flow_again_and_nothing_is_missed()
    {
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true, ServerName = "restart" });
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "before");
        var logs = new CapturingLoggerProvider();
        using var root = ProviderHarness.Build(bucket, s => s.OnWatchException = _ => TimeSpan.FromMilliseconds(100), logs.CreateFactory());
        var provider = root.Provider();

        await WriteCounterAsync(bucket, 0, 200, 10, CancellationToken.None);
        await server.KillAsync();
        await Eventually.TrueAsync(() => !provider.IsConnected, "the provider notices the server is gone", Long);
        Assert.Equal("before", root["a"]); // the last values are still served

        await server.RestartAsync();
        await Eventually.TrueAsync(() => provider.IsConnected, "the provider reconnects", Long);
        await WriteCounterAsync(bucket, 200, 400, 10, CancellationToken.None);

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

        var recreated = await bucket.Kv.CreateStoreAsync(new NATS.Client.KeyValueStore.NatsKVConfig(bucket.Name) { History = 10 });
        await recreated.PutAsync("a", "new"u8.ToArray());

        // The view is swapped before the reload is raised: wait for both.
        await Eventually.TrueAsync(() => root["a"] == "new" && root["b"] is null && reloads() >= 1, "the recreated bucket replaces the old state and a reload announces it", Long);

        await recreated.PutAsync("c", "3"u8.ToArray());
        await Eventually.TrueAsync(() => root["c"] == "3", "live changes of the recreated bucket arrive", Long);
    }

    [Fact]
    public async Task In_a_3_node_cluster_killing_the_node_the_provider_is_connected_to_loses_no_update()
    {
        await using var cluster = await NatsCluster.StartAsync(3);
        await using var bucket = await TestBucket.CreateAsync(cluster.Url, replicas: 3);
        await using var connection = new NatsConnection(NatsOpts.Default with { Url = cluster.Url, Name = "provider" });
        await connection.ConnectAsync();
        using var root = new ConfigurationBuilder()
            .AddNatsKv(bucket.Name, s =>
            {
                s.Connection = connection;
                s.WatchProbeInterval = TimeSpan.FromMilliseconds(500);
                s.OnWatchException = _ => TimeSpan.FromMilliseconds(100);
            })
            .BuildRoot();

        await WriteCounterAsync(bucket, 0, 300, 20, CancellationToken.None);
        var victim = cluster.IndexOfNode(connection.ServerInfo!.Name);
        using var writing = new CancellationTokenSource(Long);
        var writer = WriteCounterAsync(bucket, 300, 1_000, 20, writing.Token);
        await cluster.KillNodeAsync(victim);
        await writer;

        await AssertProviderMatchesBucketAsync(root, bucket, "the provider holds the final state after losing its node");
        Assert.Equal("999", root["c:19"]);
        Assert.NotEqual(cluster.Nodes[victim].ServerName, connection.ServerInfo!.Name);
    }
}
