using Microsoft.Extensions.Configuration;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Edge;

/// <summary>
/// What every edge test starts from: a hub and leaf nodes on loopback (<see cref="NatsLeafTopology"/>), a bucket on
/// the hub, and at each leaf node a mirror of it with the same name whose source is reached through the hub's
/// external API (<c>$JS.hub.API</c>), created through NATS.Net as an operator would. One connection to the hub and
/// one to each leaf node. Disposed in reverse order of creation.
/// </summary>
internal sealed class EdgeSites : IAsyncDisposable
{
    private readonly List<IDisposable> _apps = [];

    private EdgeSites(NatsLeafTopology topology, string bucket, NatsConnection hub, NatsConnection[] edges)
    {
        Topology = topology;
        Bucket = bucket;
        Hub = hub;
        Edges = edges;
    }

    public NatsLeafTopology Topology { get; }

    public string Bucket { get; }

    /// <summary>A connection to the hub.</summary>
    public NatsConnection Hub { get; }

    /// <summary>A connection to each leaf node, in the order of <see cref="NatsLeafTopology.Leaves"/>.</summary>
    public IReadOnlyList<NatsConnection> Edges { get; }

    /// <summary>Starts the topology, creates the bucket on the hub and, unless told not to, its mirror at every leaf node.</summary>
    public static async Task<EdgeSites> StartAsync(int leaves = 1, bool mirrors = true)
    {
        var topology = await NatsLeafTopology.StartAsync(leaves);
        var connections = new List<NatsConnection>();
        try
        {
            var bucket = BucketNames.Unique("edge");
            var hub = await ConnectAsync(topology.Hub.Url, "hub-writer");
            connections.Add(hub);
            await Stores.CreateAsync(new NatsKVContext(new NatsJSContext(hub)), new NatsKVConfig(bucket) { History = 10 });
            var edges = new NatsConnection[leaves];
            for (var i = 0; i < leaves; i++)
            {
                edges[i] = await ConnectAsync(topology.Leaves[i].Url, $"edge{i + 1}-writer");
                connections.Add(edges[i]);
            }

            var sites = new EdgeSites(topology, bucket, hub, edges);
            if (mirrors)
            {
                for (var i = 0; i < leaves; i++)
                {
                    await sites.CreateMirrorThroughNatsNetAsync(i);
                }
            }

            return sites;
        }
        catch
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }

            await topology.DisposeAsync();
            throw;
        }
    }

    /// <summary>A mirror of the hub's bucket at leaf node <paramref name="leaf"/>, made with NATS.Net alone.</summary>
    public Task CreateMirrorThroughNatsNetAsync(int leaf) =>
        Stores.CreateAsync(
            new NatsKVContext(new NatsJSContext(Edges[leaf])),
            new NatsKVConfig(Bucket)
            {
                History = 10,
                Mirror = new StreamSource { Name = Bucket, External = new ExternalStreamSource { Api = Topology.HubApiPrefix } },
            });

    /// <summary>A client as an app at the site would make it: the connection and the bucket's name, nothing else.</summary>
    public NatsKvConfigClient Client(NatsConnection connection) =>
        new(connection, new NatsKvConfigClientOptions { Bucket = Bucket });

    /// <summary>An app at leaf node <paramref name="leaf"/>: <c>AddNatsKv</c> with the leaf node's URL; disposed with the sites.</summary>
    public ConfigurationRoot App(int leaf, Action<NatsKvConfigurationSource>? configure = null)
    {
        var root = ProviderHarness.Build(Bucket, Topology.Leaves[leaf].Url, source =>
        {
            source.OnWatchException = _ => TimeSpan.FromMilliseconds(200);
            configure?.Invoke(source);
        });
        _apps.Add(root);
        return root;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _apps.Count - 1; i >= 0; i--)
        {
            _apps[i].Dispose();
        }

        foreach (var edge in Edges)
        {
            await edge.DisposeAsync();
        }

        await Hub.DisposeAsync();
        await Topology.DisposeAsync();
    }

    private static async Task<NatsConnection> ConnectAsync(string url, string name)
    {
        var connection = new NatsConnection(NatsOpts.Default with { Url = url, Name = name });
        await connection.ConnectAsync();
        return connection;
    }
}
