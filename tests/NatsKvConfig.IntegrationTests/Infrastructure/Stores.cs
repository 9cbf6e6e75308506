using NATS.Client.KeyValueStore;

namespace NatsKvConfig.IntegrationTests.Infrastructure;

/// <summary>
/// Creates test buckets the way the library's client does: again when nats-server answers "error creating store
/// for stream", which 2.9 sometimes does for a new stream while many are created at once (seen once in CI).
/// </summary>
internal static class Stores
{
    public static Task<INatsKVStore> CreateAsync(INatsKVContext kv, NatsKVConfig config, CancellationToken cancellationToken = default) =>
        TransientStoreFailure.RetryAsync(token => kv.CreateStoreAsync(config, token), retrying: null, cancellationToken);
}
