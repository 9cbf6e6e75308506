using Microsoft.Extensions.Configuration;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using NatsKvConfig.Testing;

namespace NatsKvConfig.Benchmarks;

/// <summary>
/// One local nats-server and connection for the whole run, with a seeded bucket per key count, so every
/// comparison runs both sides against the same server, data and connection.
/// </summary>
internal sealed class BenchEnvironment : IAsyncDisposable
{
    private readonly Dictionary<int, INatsKVStore> _seeded = [];

    private BenchEnvironment(NatsServer server, NatsConnection connection, INatsKVContext kv)
    {
        Server = server;
        Connection = connection;
        Kv = kv;
    }

    public NatsServer Server { get; }

    public NatsConnection Connection { get; }

    public INatsKVContext Kv { get; }

    public static async Task<BenchEnvironment> StartAsync()
    {
        var server = await NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true, ServerName = "bench" });
        var connection = new NatsConnection(NatsOpts.Default with { Url = server.Url, Name = "bench" });
        await connection.ConnectAsync();
        return new BenchEnvironment(server, connection, new NatsKVContext(new NatsJSContext(connection)));
    }

    /// <summary>A bucket holding <paramref name="keyCount"/> keys (plus the 50-key section), created once.</summary>
    public async Task<INatsKVStore> SeededAsync(int keyCount)
    {
        if (!_seeded.TryGetValue(keyCount, out var store))
        {
            store = await NewBucketAsync($"bench{keyCount}");
            await BenchData.SeedAsync(store, keyCount);
            _seeded[keyCount] = store;
        }

        return store;
    }

    /// <summary>A fresh bucket, created again when nats-server reports its transient store failure (as the client does).</summary>
    public Task<INatsKVStore> NewBucketAsync(string prefix) =>
        TransientStoreFailure.RetryAsync(token => Kv.CreateStoreAsync(new NatsKVConfig(BucketNames.Unique(prefix)) { History = 1 }, token), retrying: null, CancellationToken.None);

    /// <summary>Builds configuration from a bucket over the shared connection (connecting is not what is measured).</summary>
    public ConfigurationRoot BuildProvider(string bucket, Action<NatsKvConfigurationSource>? configure = null) =>
        (ConfigurationRoot)new ConfigurationBuilder()
            .AddNatsKv(bucket, source =>
            {
                source.Connection = Connection;
                source.StartupTimeout = TimeSpan.FromMinutes(2);
                configure?.Invoke(source);
            })
            .Build();

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Server.DisposeAsync();
    }
}
