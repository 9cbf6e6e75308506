using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace NatsKvConfig;

/// <summary>
/// The three compare-and-swap operations a lock needs on one KV key, with results instead of exceptions for
/// the outcomes the lock expects: write a value only if the key's last revision is the one given (0: only
/// if the key has no message at all), delete only at a given revision, and read the key's latest entry.
/// </summary>
internal sealed class LockKeyStore
{
    private readonly INatsKVStore _store;

    public LockKeyStore(INatsKVStore store) => _store = store;

    public INatsKVStore Store => _store;

    public string Bucket => _store.Bucket;

    public enum Outcome
    {
        /// <summary>The write (or delete) was stored.</summary>
        Done,

        /// <summary>The key's last revision was not the expected one: nothing was stored.</summary>
        Conflict,

        /// <summary>No answer or an error: the write may or may not have been stored.</summary>
        Failed,
    }

    public enum ReadKind
    {
        /// <summary>The key's latest message is a value.</summary>
        Live,

        /// <summary>The key's latest message is a delete or purge marker.</summary>
        Deleted,

        /// <summary>The key has no message (never written, purged away or expired by max age).</summary>
        Missing,

        /// <summary>The read failed.</summary>
        Failed,
    }

    /// <summary>
    /// Writes <paramref name="value"/> if the key's last revision is <paramref name="expectedRevision"/>,
    /// with a per-message TTL when <paramref name="messageTtl"/> is set (nats-server 2.11+ only).
    /// </summary>
    public async ValueTask<Write> WriteAsync(string key, byte[] value, ulong expectedRevision, TimeSpan? messageTtl, CancellationToken cancellationToken)
    {
        try
        {
            if (messageTtl is null)
            {
                var result = await _store.TryUpdateAsync(key, value, expectedRevision, NatsRawSerializer<byte[]>.Default, cancellationToken).ConfigureAwait(false);
                return result.Success ? new Write(Outcome.Done, result.Value, null)
                    : result.Error is NatsKVWrongLastRevisionException ? new Write(Outcome.Conflict, 0, result.Error)
                    : new Write(Outcome.Failed, 0, result.Error);
            }

            // INatsKVStore.UpdateAsync takes no TTL, so publish what it would, plus the Nats-TTL header.
            var headers = new NatsHeaders
            {
                { NatsKvWire.ExpectedLastSubjectSequenceHeader, NatsKvWire.ExpectedRevision(expectedRevision) },
                { NatsKvWire.MessageTtlHeader, NatsKvWire.MessageTtl(messageTtl.Value) },
            };
            var published = await _store.JetStreamContext.TryPublishAsync(
                NatsKvWire.Subject(_store.Bucket, key), value, NatsRawSerializer<byte[]>.Default, headers: headers, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!published.Success)
            {
                return new Write(Outcome.Failed, 0, published.Error);
            }

            var ack = published.Value;
            return ack.Error switch
            {
                null => new Write(Outcome.Done, ack.Seq, null),
                { ErrCode: NatsKvWire.WrongLastSequence } => new Write(Outcome.Conflict, 0, new NatsJSApiException(ack.Error)),
                _ => new Write(Outcome.Failed, 0, new NatsJSApiException(ack.Error)),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new Write(Outcome.Failed, 0, e);
        }
    }

    /// <summary>Deletes the key (leaving a delete marker) only if its last revision is <paramref name="revision"/>.</summary>
    public async ValueTask<Write> DeleteAsync(string key, ulong revision, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _store.TryDeleteAsync(key, new NatsKVDeleteOpts { Revision = revision }, cancellationToken).ConfigureAwait(false);
            return result.Success ? new Write(Outcome.Done, revision, null)
                : result.Error is NatsKVWrongLastRevisionException ? new Write(Outcome.Conflict, 0, result.Error)
                : new Write(Outcome.Failed, 0, result.Error);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new Write(Outcome.Failed, 0, e);
        }
    }

    /// <summary>Reads the key's latest entry (value included) and when it was received.</summary>
    public async ValueTask<Read> ReadAsync(string key, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _store.TryGetEntryAsync(key, 0, NatsRawSerializer<byte[]>.Default, cancellationToken).ConfigureAwait(false);
            var received = time.GetTimestamp();
            if (result.Success)
            {
                var entry = result.Value;
                return new Read(ReadKind.Live, entry.Revision, entry.Created, entry.Value ?? [], received, null);
            }

            return result.Error switch
            {
                NatsKVKeyDeletedException deleted => new Read(ReadKind.Deleted, deleted.Revision, default, [], received, null),
                NatsKVKeyNotFoundException => new Read(ReadKind.Missing, 0, default, [], received, null),
                _ => new Read(ReadKind.Failed, 0, default, [], received, result.Error),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new Read(ReadKind.Failed, 0, default, [], time.GetTimestamp(), e);
        }
    }

    /// <summary>The result of a write or delete; <see cref="Revision"/> is the new revision of a write.</summary>
    public readonly record struct Write(Outcome Outcome, ulong Revision, Exception? Error);

    /// <summary>The key's latest entry as read at local timestamp <see cref="ReceivedAt"/>.</summary>
    public readonly record struct Read(ReadKind Kind, ulong Revision, DateTimeOffset Created, byte[] Value, long ReceivedAt, Exception? Error);
}
