using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Infrastructure;

/// <summary>A uniquely named bucket on a server, with a connection to write to it as a test's "other app".</summary>
internal sealed class TestBucket : IAsyncDisposable
{
    private TestBucket(NatsConnection connection, INatsKVContext kv, INatsKVStore store, string name, string url)
    {
        Connection = connection;
        Kv = kv;
        Store = store;
        Name = name;
        Url = url;
    }

    public NatsConnection Connection { get; }

    public INatsKVContext Kv { get; }

    public INatsKVStore Store { get; }

    public string Name { get; }

    public string Url { get; }

    public static Task<TestBucket> CreateAsync(string url, int replicas = 1, string? name = null, bool create = true, int history = 10) =>
        CreateAsync(NatsOpts.Default with { Url = url }, replicas, name, create, history);

    /// <summary>A bucket written through a connection made from <paramref name="opts"/> (credentials, TLS).</summary>
    public static async Task<TestBucket> CreateAsync(NatsOpts opts, int replicas = 1, string? name = null, bool create = true, int history = 10)
    {
        var url = opts.Url;
        // The suite starts many servers and connections at once on few cores: a connect may take longer than
        // NATS.Net's default two seconds there, which says nothing about the code under test.
        var connectTimeout = opts.ConnectTimeout > TimeSpan.FromSeconds(15) ? opts.ConnectTimeout : TimeSpan.FromSeconds(15);
        var connection = new NatsConnection(opts with { Name = "test-writer", ConnectTimeout = connectTimeout });
        await connection.ConnectAsync();
        var kv = new NatsKVContext(new NatsJSContext(connection));
        name ??= BucketNames.Unique("cfg");
        INatsKVStore store = create
            ? await Stores.CreateAsync(kv, new NatsKVConfig(name) { History = history, NumberOfReplicas = replicas })
            : null!;
        return new TestBucket(connection, kv, store, name, url);
    }

    public ValueTask<ulong> PutAsync(string key, string value) => Store.PutAsync(key, Encoding.UTF8.GetBytes(value));

    public ValueTask<ulong> PutBytesAsync(string key, byte[] value) => Store.PutAsync(key, value);

    public ValueTask DeleteAsync(string key) => Store.DeleteAsync(key);

    /// <summary>
    /// The bucket's live keys and values, read the slow way, to compare with what a provider holds. Retries
    /// while a cluster is still electing a new leader after a node was killed.
    /// </summary>
    public async Task<Dictionary<string, string>> ReadAllAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return await ReadAllOnceAsync();
            }
            catch (NatsException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task<Dictionary<string, string>> ReadAllOnceAsync()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            await foreach (var key in Store.GetKeysAsync())
            {
                var entry = await Store.GetEntryAsync<byte[]>(key);
                result[key] = Encoding.UTF8.GetString(entry.Value ?? []);
            }
        }
        catch (NatsKVException)
        {
            // An empty bucket: no keys.
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Bounded: with the server gone, a request would wait for a reconnect that never comes.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await Kv.DeleteStoreAsync(Name, timeout.Token);
        }
        catch (Exception)
        {
            // The test may have deleted it, or the server may be gone already.
        }

        await Connection.DisposeAsync();
    }
}
