using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using NatsKvConfig;

namespace FeatureFlags;

/// <summary>The sample's bucket, written as an operator would (with the <c>nats-kv-config</c> tool, or the client as here).</summary>
internal sealed class FlagBucket(INatsKVStore store)
{
    public const string Name = "app_config";

    /// <summary>Our own flag format: <c>features.&lt;name&gt;</c>, read by <c>IFeatureFlags</c>.</summary>
    public const string NewCheckoutKey = "features.new_checkout";

    /// <summary>Microsoft.FeatureManagement's .NET schema: <c>FeatureManagement.&lt;name&gt;</c>, read by <c>IFeatureManager</c>.</summary>
    public const string BetaKey = "FeatureManagement.Beta";

    public const string NewCheckoutStart = """{"enabled": true, "rollout": 30, "allowed_users": ["admin"]}""";

    public const string BetaStart = """
        {"EnabledFor": [{"Name": "Microsoft.Targeting",
                         "Parameters": {"Audience": {"Users": ["admin"], "DefaultRolloutPercentage": 30}}}]}
        """;

    /// <summary>
    /// Creates the bucket (history 10) if it is missing. An existing bucket's settings are never changed (rewriting
    /// them could cut its history, losing revisions): <c>EnsureBucketAsync</c> only says what differs from the sample's.
    /// </summary>
    public static async Task<FlagBucket> OpenAsync(NatsConnection connection, bool seed)
    {
        var client = new NatsKvConfigClient(connection, new NatsKvConfigClientOptions { Bucket = Name });
        var info = await client.EnsureBucketAsync(new NatsKvBucketSettings { History = 10 });
        foreach (var difference in info.Differences)
        {
            Console.WriteLine($"Bucket '{Name}' exists and is left as it is: {difference.Setting} {difference.Actual}, not the sample's {difference.Requested}.");
        }

        var store = await new NatsKVContext(new NatsJSContext(connection)).GetStoreAsync(Name);
        var bucket = new FlagBucket(store);
        if (seed)
        {
            await bucket.PutIfMissingAsync(NewCheckoutKey, NewCheckoutStart);
            await bucket.PutIfMissingAsync(BetaKey, BetaStart);
        }

        return bucket;
    }

    public async Task PutAsync(string key, string value) => await store.PutAsync(key, Encoding.UTF8.GetBytes(value));

    /// <summary>Resets the demo's two flags to where the demo starts.</summary>
    public async Task ResetAsync()
    {
        await PutAsync(NewCheckoutKey, NewCheckoutStart);
        await PutAsync(BetaKey, BetaStart);
    }

    private async Task PutIfMissingAsync(string key, string value)
    {
        if (await store.TryGetEntryAsync<byte[]>(key) is not { Success: true })
        {
            await PutAsync(key, value);
        }
    }
}
