using Microsoft.Extensions.Configuration;
using NATS.Client.Core;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Cluster;

/// <summary>
/// What every cluster fault test starts from: a 3-node JetStream cluster on loopback, an R3 bucket, and a
/// provider over a connection of its own (so the test can see which node it is on), logging into <see cref="Logs"/>.
/// Disposed in reverse order of creation.
/// </summary>
internal sealed class ClusterScenario : IAsyncDisposable
{
    private ClusterScenario(NatsCluster cluster, TestBucket bucket, NatsConnection connection, ConfigurationRoot root, CapturingLoggerProvider logs)
    {
        Cluster = cluster;
        Bucket = bucket;
        Connection = connection;
        Root = root;
        Logs = logs;
    }

    public NatsCluster Cluster { get; }

    public TestBucket Bucket { get; }

    /// <summary>The provider's connection.</summary>
    public NatsConnection Connection { get; }

    public ConfigurationRoot Root { get; }

    public NatsKvConfigurationProvider Provider => Root.Provider();

    /// <summary>The provider's pending changes, reached through its internal seam: what waits to be applied.</summary>
    public required PendingChanges Pending { get; init; }

    public CapturingLoggerProvider Logs { get; }

    public static async Task<ClusterScenario> StartAsync()
    {
        var cluster = await NatsCluster.StartAsync(3);
        TestBucket? bucket = null;
        NatsConnection? connection = null;
        try
        {
            bucket = await TestBucket.CreateAsync(cluster.Url, replicas: 3);
            connection = new NatsConnection(NatsOpts.Default with { Url = cluster.Url, Name = "provider" });
            await connection.ConnectAsync();
            var logs = new CapturingLoggerProvider();
            var pending = new PendingChanges();
            var source = new NatsKvConfigurationSource
            {
                Bucket = bucket.Name,
                Connection = connection,
                WatchProbeInterval = TimeSpan.FromMilliseconds(500),
                OnWatchException = _ => TimeSpan.FromMilliseconds(100),
                LoggerFactory = logs.CreateFactory(),
            };
            var root = new ConfigurationRoot([new NatsKvConfigurationProvider(source, pending)]);
            return new ClusterScenario(cluster, bucket, connection, root, logs) { Pending = pending };
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            if (bucket is not null)
            {
                await bucket.DisposeAsync();
            }

            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Root.Dispose();
        await Connection.DisposeAsync();
        await Bucket.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
