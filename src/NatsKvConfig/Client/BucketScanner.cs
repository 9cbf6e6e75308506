using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
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
        var (known, boundary) = await LastRevisionAsync(store.JetStreamContext, store.Bucket, filter, cancellationToken).ConfigureAwait(false);
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
                (known, boundary) = await LastRevisionAsync(store.JetStreamContext, store.Bucket, filter, cancellationToken).ConfigureAwait(false);
                if (!known || entry.Revision >= boundary)
                {
                    return;
                }
            }
        }
    }

    /// <summary>The revision of the newest entry under <paramref name="filter"/> (0 when there is none), if the server can say.</summary>
    public static async Task<(bool Known, ulong Revision)> LastRevisionAsync(INatsJSContext js, string bucket, string filter, CancellationToken cancellationToken)
    {
        try
        {
            var response = await js.JSRequestResponseAsync<StreamMsgGetRequest, StreamMsgGetResponse>(
                $"{js.Opts.Prefix}.STREAM.MSG.GET.KV_{bucket}",
                new StreamMsgGetRequest { LastBySubj = $"$KV.{bucket}.{filter}" },
                cancellationToken).ConfigureAwait(false);
            return (true, response.Message.Seq);
        }
        catch (NatsJSApiException exception) when (exception.Error.Code == 404 && exception.Error.ErrCode != NatsKvErrors.StreamNotFound)
        {
            return (true, 0);
        }
        catch (NatsJSApiException exception) when (exception.Error.ErrCode != NatsKvErrors.StreamNotFound)
        {
            return (false, 0); // not allowed or not supported here: rely on the watch's own end-of-data marker
        }
    }
}
