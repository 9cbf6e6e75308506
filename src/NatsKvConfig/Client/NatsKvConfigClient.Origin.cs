using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace NatsKvConfig;

public sealed partial class NatsKvConfigClient
{
    private KvOrigin? _origin;
    private INatsKVStore? _originStore;

    /// <summary>
    /// Where this bucket's writes go, found once from its stream's configuration and kept (found again after a write
    /// or a read of the origin failed): the bucket itself, or, when it is a mirror, the bucket it mirrors.
    /// </summary>
    private async ValueTask<KvOrigin> GetOriginAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _origin) is { } origin)
        {
            return origin;
        }

        INatsJSStream stream;
        try
        {
            stream = await _js.GetStreamAsync(NatsKvWire.StreamName(Bucket), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSException exception) when (NatsKvWire.IsStreamNotFound(exception))
        {
            throw NatsKvConfigNotFoundException.BucketMissing(Bucket, exception);
        }

        origin = NatsKvWire.OriginOf(Bucket, stream.Info.Config);
        if (origin.IsMirror)
        {
            Log.MirrorFound(_logger, Bucket, origin.Bucket, origin.ApiPrefix ?? _js.Opts.Prefix);
        }

        Volatile.Write(ref _origin, origin);
        return origin;
    }

    /// <summary>Forgets where writes go, so the next call looks again (the bucket may have been replaced, or the origin moved).</summary>
    private void ForgetOrigin()
    {
        Volatile.Write(ref _origin, null);
        Volatile.Write(ref _originStore, null);
    }

    /// <summary>The JetStream that holds <paramref name="origin"/>: this client's own, or the one behind the mirror's external API prefix.</summary>
    private INatsJSContext OriginJetStream(KvOrigin origin) =>
        origin.ApiPrefix is { } prefix
            ? new NatsJSContext(_js.Connection, new NatsJSOpts(_js.Connection.Opts, apiPrefix: prefix, requestTimeout: _js.Opts.RequestTimeout))
            : _js;

    /// <summary>
    /// Runs a read on the origin when this bucket is a mirror and the origin answers (history is the origin's, and
    /// never lags), and on this bucket otherwise, or when the origin is unreachable.
    /// </summary>
    private async Task<T> ReadPreferringOriginAsync<T>(Func<INatsKVStore, Task<T>> read, CancellationToken cancellationToken)
    {
        var origin = await GetOriginAsync(cancellationToken).ConfigureAwait(false);
        if (origin.IsMirror)
        {
            try
            {
                var store = Volatile.Read(ref _originStore);
                if (store is null)
                {
                    store = await new NatsKVContext(OriginJetStream(origin)).GetStoreAsync(origin.Bucket, cancellationToken).ConfigureAwait(false);
                    Volatile.Write(ref _originStore, store);
                }

                return await read(store).ConfigureAwait(false);
            }
            catch (Exception exception) when (IsUnreachable(exception) && !cancellationToken.IsCancellationRequested)
            {
                Volatile.Write(ref _originStore, null);
                Log.ReadingMirror(_logger, Bucket, origin.Bucket, origin.ApiPrefix ?? _js.Opts.Prefix);
            }
        }

        return await ReadAsync(read, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether a request failed because nobody answered it (no responders, no reply in time) or the origin's stream is
    /// missing there, as opposed to a refusal: for a mirror, the origin is unreachable.
    /// </summary>
    private static bool IsUnreachable(Exception exception) => exception switch
    {
        NatsNoRespondersException or NatsNoReplyException or NatsJSPublishNoResponseException or NatsJSApiNoResponseException or NatsJSTimeoutException or TimeoutException => true,
        NatsJSException when NatsKvWire.IsStreamNotFound(exception) => true,
        OperationCanceledException => false,
        { InnerException: { } inner } => IsUnreachable(inner),
        _ => false,
    };
}
