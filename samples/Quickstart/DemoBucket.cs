using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace Quickstart;

/// <summary>Creates and seeds the quickstart's bucket, and makes the demo's changes, as an operator would.</summary>
internal sealed class DemoBucket(INatsKVStore store)
{
    public const string Name = "app_config";

    public static async Task<DemoBucket> EnsureAsync(NatsConnection connection)
    {
        var kv = new NatsKVContext(new NatsJSContext(connection));
        var store = await kv.CreateOrUpdateStoreAsync(new NatsKVConfig(Name) { History = 10 });
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
