using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace NatsKvConfig;

public sealed partial class NatsKvConfigClient
{
    /// <summary>
    /// Creates the bucket with <paramref name="settings"/>, or updates it to them if it exists: safe to call at every
    /// start-up or deployment.
    /// </summary>
    /// <param name="settings">History, TTL, replicas, size and storage; the defaults when <see langword="null"/> (history 10).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The bucket as the server now has it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (history 1–64, replicas 1–5, …); the message names it.</exception>
    /// <exception cref="NatsKvBucketSettingsException">
    /// The server refused the settings (more replicas than servers, a storage change of an existing bucket, …); the
    /// message gives its reason.
    /// </exception>
    public async Task<NatsKvBucketInfo> EnsureBucketAsync(NatsKvBucketSettings? settings = null, CancellationToken cancellationToken = default)
    {
        settings ??= new NatsKvBucketSettings();
        settings.Validate(nameof(settings));
        var config = new NatsKVConfig(Bucket)
        {
            History = settings.History,
            MaxAge = settings.MaxAge,
            NumberOfReplicas = settings.Replicas,
            MaxBytes = settings.MaxBytes,
            Storage = settings.Storage == NatsKvBucketStorage.Memory ? NatsKVStorageType.Memory : NatsKVStorageType.File,
            Description = settings.Description,
        };
        if (settings.MirrorOf is { } originBucket)
        {
            if (!string.Equals(originBucket, Bucket, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"A mirror has its origin's name: apps and the client read its keys under the origin's subjects, so create it as bucket '{originBucket}' (not '{Bucket}') on the edge's server.",
                    nameof(settings));
            }

            config = config with { Mirror = NatsKvWire.MirrorSource(originBucket, settings.MirrorDomain!) };
        }

        INatsKVStore store;
        try
        {
            store = await TransientStoreFailure.RetryAsync(
                token => _kv.CreateOrUpdateStoreAsync(config, token),
                (attempt, delay) => Log.BucketStoreRetry(_logger, Bucket, attempt, TransientStoreFailure.Attempts, (long)delay.TotalMilliseconds),
                cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException exception)
        {
            throw NatsKvBucketSettingsException.Refused(Bucket, exception);
        }

        Volatile.Write(ref _store, store);
        ForgetOrigin();
        var info = await GetBucketInfoAsync(cancellationToken).ConfigureAwait(false);
        Log.BucketEnsured(_logger, Bucket, info.History, info.MaxAge, info.Replicas, info.MaxBytes, info.Storage);
        return info;
    }

    /// <summary>The bucket's settings and state.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>History, TTL, replicas, size limit, storage, counts and revisions.</returns>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    public Task<NatsKvBucketInfo> GetBucketInfoAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(
            async store =>
            {
                var status = await store.GetStatusAsync(cancellationToken).ConfigureAwait(false);
                var config = status.Info.Config;
                var state = status.Info.State;
                var origin = NatsKvWire.OriginOf(Bucket, config);
                return new NatsKvBucketInfo(Bucket)
                {
                    MirrorOf = origin.IsMirror ? origin.Bucket : null,
                    MirrorDomain = origin.Domain,
                    MirrorLag = origin.IsMirror ? status.Info.Mirror?.Lag ?? 0 : null,
                    Description = config.Description,
                    History = (int)config.MaxMsgsPerSubject,
                    MaxAge = config.MaxAge,
                    Replicas = config.NumReplicas,
                    MaxBytes = config.MaxBytes,
                    Storage = config.Storage == StreamConfigStorage.Memory ? NatsKvBucketStorage.Memory : NatsKvBucketStorage.File,
                    Entries = state.Messages,
                    Keys = state.NumSubjects,
                    Bytes = state.Bytes,
                    FirstRevision = state.FirstSeq,
                    LastRevision = state.LastSeq,
                    Created = status.Info.Created,
                };
            },
            cancellationToken);

    /// <summary>How far back the bucket's history reaches.</summary>
    private Task<HistoryLimits> GetHistoryLimitsAsync(CancellationToken cancellationToken) =>
        ReadPreferringOriginAsync(
            async store =>
            {
                var status = await store.GetStatusAsync(cancellationToken).ConfigureAwait(false);
                var config = status.Info.Config;
                var state = status.Info.State;
                var discardsOld = config.Discard == StreamConfigDiscard.Old && (config.MaxBytes > 0 || config.MaxMsgs > 0);
                return new HistoryLimits(
                    (int)config.MaxMsgsPerSubject,
                    state.FirstSeq,
                    ParseTime(state.FirstTs),
                    state.LastSeq,
                    config.MaxAge > TimeSpan.Zero || discardsOld);
            },
            cancellationToken);

    private static DateTimeOffset ParseTime(string? time) =>
        DateTimeOffset.TryParse(time, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : default;
}
