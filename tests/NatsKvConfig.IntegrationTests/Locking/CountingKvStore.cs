using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace NatsKvConfig.IntegrationTests.Locking;

/// <summary>
/// Passes every call through to a real store and counts the requests (reads, writes, status) and the watches started.
/// A test may also change what an update answers after it reached the server (<see cref="AfterUpdate"/>: a lost
/// reply) and which revision an entry read returns (<see cref="ReadRevision"/>: a lagging replica's older entry).
/// </summary>
internal sealed class CountingKvStore(INatsKVStore inner) : INatsKVStore
{
    private int _requests;
    private int _watches;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Given an update's real result (the write is stored or refused already), returns what the caller gets.</summary>
    public Func<NatsResult<ulong>, NatsResult<ulong>>? AfterUpdate { get; set; }

    /// <summary>Given the key and the revision an entry read asks for (0: the latest), returns the revision read instead.</summary>
    public Func<string, ulong, ulong>? ReadRevision { get; set; }

    public int Watches => Volatile.Read(ref _watches);

    public INatsJSContext JetStreamContext => inner.JetStreamContext;

    public string Bucket => inner.Bucket;

    private void Request() => Interlocked.Increment(ref _requests);

    private void Watch() => Interlocked.Increment(ref _watches);

    public ValueTask<ulong> PutAsync<T>(string key, T value, INatsSerialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        Request();
        return inner.PutAsync(key, value, serializer, cancellationToken);
    }

    public ValueTask<NatsResult<ulong>> TryPutAsync<T>(string key, T value, INatsSerialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        Request();
        return inner.TryPutAsync(key, value, serializer, cancellationToken);
    }

    public ValueTask<ulong> CreateAsync<T>(string key, T value, INatsSerialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        Request();
        return inner.CreateAsync(key, value, serializer, cancellationToken);
    }

    public ValueTask<ulong> CreateAsync<T>(string key, T value, TimeSpan ttl, INatsSerialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        Request();
        return inner.CreateAsync(key, value, ttl, serializer, cancellationToken);
    }

    public ValueTask<NatsResult<ulong>> TryCreateAsync<T>(string key, T value, INatsSerialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        Request();
        return inner.TryCreateAsync(key, value, serializer, cancellationToken);
    }

    public ValueTask<NatsResult<ulong>> TryCreateAsync<T>(string key, T value, TimeSpan ttl, INatsSerialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        Request();
        return inner.TryCreateAsync(key, value, ttl, serializer, cancellationToken);
    }

    public ValueTask<ulong> UpdateAsync<T>(string key, T value, ulong revision, INatsSerialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        Request();
        return inner.UpdateAsync(key, value, revision, serializer, cancellationToken);
    }

    public async ValueTask<NatsResult<ulong>> TryUpdateAsync<T>(string key, T value, ulong revision, INatsSerialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        Request();
        var result = await inner.TryUpdateAsync(key, value, revision, serializer, cancellationToken);
        return AfterUpdate is { } after ? after(result) : result;
    }

    public ValueTask DeleteAsync(string key, NatsKVDeleteOpts? opts = null, CancellationToken cancellationToken = default)
    {
        Request();
        return inner.DeleteAsync(key, opts, cancellationToken);
    }

    public ValueTask<NatsResult> TryDeleteAsync(string key, NatsKVDeleteOpts? opts = null, CancellationToken cancellationToken = default)
    {
        Request();
        return inner.TryDeleteAsync(key, opts, cancellationToken);
    }

    public ValueTask PurgeAsync(string key, NatsKVDeleteOpts? opts = null, CancellationToken cancellationToken = default)
    {
        Request();
        return inner.PurgeAsync(key, opts, cancellationToken);
    }

    public ValueTask PurgeAsync(string key, TimeSpan ttl, NatsKVDeleteOpts? opts = null, CancellationToken cancellationToken = default)
    {
        Request();
        return inner.PurgeAsync(key, ttl, opts, cancellationToken);
    }

    public ValueTask<NatsResult> TryPurgeAsync(string key, NatsKVDeleteOpts? opts = null, CancellationToken cancellationToken = default)
    {
        Request();
        return inner.TryPurgeAsync(key, opts, cancellationToken);
    }

    public ValueTask<NatsResult> TryPurgeAsync(string key, TimeSpan ttl, NatsKVDeleteOpts? opts = null, CancellationToken cancellationToken = default)
    {
        Request();
        return inner.TryPurgeAsync(key, ttl, opts, cancellationToken);
    }

    public ValueTask<NatsKVEntry<T>> GetEntryAsync<T>(string key, ulong revision = 0, INatsDeserialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        Request();
        return inner.GetEntryAsync(key, revision, serializer, cancellationToken);
    }

    public ValueTask<NatsResult<NatsKVEntry<T>>> TryGetEntryAsync<T>(string key, ulong revision = 0, INatsDeserialize<T>? serializer = null, CancellationToken cancellationToken = default)
    {
        Request();
        return inner.TryGetEntryAsync(key, ReadRevision is { } read ? read(key, revision) : revision, serializer, cancellationToken);
    }

    public IAsyncEnumerable<NatsKVEntry<T>> WatchAsync<T>(string key, INatsDeserialize<T>? serializer = null, NatsKVWatchOpts? opts = null, CancellationToken cancellationToken = default)
    {
        Watch();
        return inner.WatchAsync(key, serializer, opts, cancellationToken);
    }

    public IAsyncEnumerable<NatsKVEntry<T>> WatchAsync<T>(IEnumerable<string> keys, INatsDeserialize<T>? serializer = null, NatsKVWatchOpts? opts = null, CancellationToken cancellationToken = default)
    {
        Watch();
        return inner.WatchAsync(keys, serializer, opts, cancellationToken);
    }

    public IAsyncEnumerable<NatsKVEntry<T>> WatchAsync<T>(INatsDeserialize<T>? serializer = null, NatsKVWatchOpts? opts = null, CancellationToken cancellationToken = default)
    {
        Watch();
        return inner.WatchAsync(serializer, opts, cancellationToken);
    }

    public IAsyncEnumerable<NatsKVEntry<T>> HistoryAsync<T>(string key, INatsDeserialize<T>? serializer = null, NatsKVWatchOpts? opts = null, CancellationToken cancellationToken = default)
    {
        Request();
        return inner.HistoryAsync(key, serializer, opts, cancellationToken);
    }

    public ValueTask<NatsKVStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        Request();
        return inner.GetStatusAsync(cancellationToken);
    }

    public ValueTask PurgeDeletesAsync(NatsKVPurgeOpts? opts = null, CancellationToken cancellationToken = default)
    {
        Request();
        return inner.PurgeDeletesAsync(opts, cancellationToken);
    }

    public IAsyncEnumerable<string> GetKeysAsync(NatsKVWatchOpts? opts = null, CancellationToken cancellationToken = default)
    {
        Request();
        return inner.GetKeysAsync(opts, cancellationToken);
    }

    public IAsyncEnumerable<string> GetKeysAsync(IEnumerable<string> filters, NatsKVWatchOpts? opts = null, CancellationToken cancellationToken = default)
    {
        Request();
        return inner.GetKeysAsync(filters, opts, cancellationToken);
    }
}
