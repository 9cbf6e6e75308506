using NATS.Client.Core;
using NATS.Client.KeyValueStore;

namespace NatsKvConfig;

/// <summary>
/// Reads the entries under a few key filters, either each key's latest entry or every kept entry, ending once
/// the newest entry that existed when the read began has arrived.
/// </summary>
internal static class BucketScanner
{
    /// <summary>
    /// The latest entry of every key (delete markers included) under <paramref name="filters"/>, or every kept entry
    /// when <paramref name="history"/> is set; ordered by revision.
    /// </summary>
    public static async Task<List<NatsKvConfigEntry>> ReadAsync(INatsKVStore store, KeySpace keys, IReadOnlyList<string> filters, bool history, CancellationToken cancellationToken)
    {
        var entries = new List<NatsKvConfigEntry>();
        foreach (var filter in filters)
        {
            await ReadFilterAsync(store, keys, filter, history, entries, cancellationToken).ConfigureAwait(false);
        }

        entries.Sort((a, b) => a.Revision.CompareTo(b.Revision));
        return entries;
    }

    public static NatsKvConfigOperation ToOperation(NatsKVOperation operation) => operation switch
    {
        NatsKVOperation.Del => NatsKvConfigOperation.Delete,
        NatsKVOperation.Purge => NatsKvConfigOperation.Purge,
        _ => NatsKvConfigOperation.Put,
    };

    private static async Task ReadFilterAsync(INatsKVStore store, KeySpace keys, string filter, bool history, List<NatsKvConfigEntry> entries, CancellationToken cancellationToken)
    {
        var (known, boundary) = await NatsKvWire.LastRevisionAsync(store.JetStreamContext, store.Bucket, filter, cancellationToken).ConfigureAwait(false);
        if (known && boundary == 0)
        {
            return; // nothing under the filter
        }

        var opts = new NatsKVWatchOpts
        {
            IncludeHistory = history,
            OnNoData = static _ => new ValueTask<bool>(true), // nothing to read: end at once
        };

        await foreach (var entry in store.WatchAsync(filter, NatsRawSerializer<byte[]>.Default, opts, cancellationToken).ConfigureAwait(false))
        {
            if (keys.TryRelative(entry.Key, out var key))
            {
                entries.Add(new NatsKvConfigEntry(key, entry.Revision, ToOperation(entry.Operation), entry.Value ?? [], entry.Created));
            }

            if (known ? entry.Revision >= boundary : entry.Delta == 0)
            {
                return;
            }

            if (entry.Delta == 0)
            {
                // The newest entry may have been purged or expired since the read began: look again.
                (known, boundary) = await NatsKvWire.LastRevisionAsync(store.JetStreamContext, store.Bucket, filter, cancellationToken).ConfigureAwait(false);
                if (!known || entry.Revision >= boundary)
                {
                    return;
                }
            }
        }
    }
}
