using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using NatsKvConfig;

namespace Quickstart;

/// <summary>Creates and seeds the quickstart's bucket, and makes the demo's changes, as an operator would.</summary>
internal sealed class DemoBucket(INatsKVStore store)
{
    public const string Name = "app_config";

    /// <summary>
    /// Creates the bucket (history 10) if it is missing, and seeds it if it has no <c>database.host</c>. An existing
    /// bucket's settings are never changed (rewriting them could cut its history, losing revisions):
    /// <c>EnsureBucketAsync</c> only says what differs from the quickstart's.
    /// </summary>
    public static async Task<DemoBucket> EnsureAsync(NatsConnection connection)
    {
        var client = new NatsKvConfigClient(connection, new NatsKvConfigClientOptions { Bucket = Name });
        var info = await client.EnsureBucketAsync(new NatsKvBucketSettings { History = 10 });
        foreach (var difference in info.Differences)
        {
            Console.WriteLine($"Bucket '{Name}' exists and is left as it is: {difference.Setting} {difference.Actual}, not the quickstart's {difference.Requested}.");
        }

        var store = await new NatsKVContext(new NatsJSContext(connection)).GetStoreAsync(Name);
        var bucket = new DemoBucket(store);
        if (await store.TryGetEntryAsync<byte[]>("database.host") is not { Success: true })
        {
            await bucket.PutAsync("database.host", "localhost");
            await bucket.PutAsync("database.port", "5432");
            await bucket.PutAsync("database.maxConnections", "20");
            await bucket.PutAsync("database.replicas", """["replica-1"]""");
        }

        return bucket;
    }

    public async Task PutAsync(string key, string value) => await store.PutAsync(key, Encoding.UTF8.GetBytes(value));
}
