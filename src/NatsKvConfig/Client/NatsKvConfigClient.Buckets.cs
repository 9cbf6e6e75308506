using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace NatsKvConfig;

public sealed partial class NatsKvConfigClient
{
    /// <summary>
    /// Creates the bucket with <paramref name="settings"/> if it does not exist; if it does, changes nothing and says
    /// which settings it has otherwise (<see cref="NatsKvBucketInfo.Differences"/>, and warning 8007 in the log): safe
    /// to call at every start-up or deployment, by every app and tool, whatever settings each asks for.
    /// </summary>
    /// <remarks>
    /// An existing bucket is never shrunk or rewritten: asking for history 10 of a bucket that keeps 20 leaves it at 20
    /// (cutting it would lose revisions). The settings compared are history, max age, replicas, max bytes, storage
    /// and what the bucket mirrors, and the description when one is given. Change a bucket on purpose with
    /// <see cref="UpdateBucketAsync"/>.
    /// </remarks>
    /// <param name="settings">History, TTL, replicas, size and storage; the defaults when <see langword="null"/> (history 10).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The bucket as the server now has it, with the settings that differ from <paramref name="settings"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (history 1–64, replicas 1–5, …); the message names it.</exception>
    /// <exception cref="NatsKvBucketSettingsException">
    /// The server refused to create the bucket with these settings (more replicas than servers, …); the message gives
    /// its reason.
    /// </exception>
    public async Task<NatsKvBucketInfo> EnsureBucketAsync(NatsKvBucketSettings? settings = null, CancellationToken cancellationToken = default)
    {
        settings ??= new NatsKvBucketSettings();
        var config = StoreConfig(settings, nameof(settings));
        var existing = await FindBucketInfoAsync(cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            INatsKVStore? store = null;
            try
            {
                store = await TransientStoreFailure.RetryAsync(
                    token => _kv.CreateStoreAsync(config, token),
                    (attempt, delay) => Log.BucketStoreRetry(_logger, Bucket, attempt, TransientStoreFailure.Attempts, (long)delay.TotalMilliseconds),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (NatsJSApiException exception) when (exception.Error.ErrCode == NatsKvWire.StreamNameInUse)
            {
                // Created meanwhile by someone else, with other settings: compared with those below.
            }
            catch (NatsJSApiException exception)
            {
                throw NatsKvBucketSettingsException.Refused(Bucket, exception);
            }

            if (store is not null)
            {
                Volatile.Write(ref _store, store);
                ForgetOrigin();
                var created = await GetBucketInfoAsync(cancellationToken).ConfigureAwait(false);
                Log.BucketEnsured(_logger, Bucket, created.History, created.MaxAge, created.Replicas, created.MaxBytes, created.Storage);
                return created;
            }

            existing = await GetBucketInfoAsync(cancellationToken).ConfigureAwait(false);
        }

        var differences = NatsKvBucketSettingDifference.Between(settings, existing);
        if (differences.Count == 0)
        {
            Log.BucketChecked(_logger, Bucket);
            return existing;
        }

        Log.BucketSettingsDiffer(_logger, Bucket, string.Join(", ", differences.Select(Describe)));
        return existing.WithDifferences(differences);

        // Values of the bucket's settings, never of its keys; a description is named only (it is free text).
        static string Describe(NatsKvBucketSettingDifference difference) =>
            difference.Setting == nameof(NatsKvBucketSettings.Description)
                ? $"{difference.Setting} differs"
                : $"{difference.Setting} {difference.Actual} (asked for {difference.Requested})";
    }

    /// <summary>
    /// Changes an existing bucket's settings to <paramref name="settings"/>, all of them: a setting left at its
    /// default (history 10, no max age, 1 replica, no size limit, file storage, no description) is set to that default.
    /// To change one setting, read the others first (<see cref="GetBucketInfoAsync"/>) and pass them on.
    /// </summary>
    /// <remarks>
    /// Shrinking the history drops the older revisions of every key at once (rollbacks no longer reach them), and a
    /// shorter max age expires older entries. Entries are otherwise kept.
    /// </remarks>
    /// <param name="settings">The bucket's new settings.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The bucket as the server now has it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="settings"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (history 1–64, replicas 1–5, …); the message names it.</exception>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist (create it with <see cref="EnsureBucketAsync"/>).</exception>
    /// <exception cref="NatsKvBucketSettingsException">
    /// The server refused the settings (a storage change, turning a bucket into a mirror or back, more replicas than
    /// servers, …); the message gives its reason, and the bucket is unchanged.
    /// </exception>
    public async Task<NatsKvBucketInfo> UpdateBucketAsync(NatsKvBucketSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var config = StoreConfig(settings, nameof(settings));
        INatsKVStore store;
        try
        {
            store = await _kv.UpdateStoreAsync(config, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSException exception) when (NatsKvWire.IsStreamNotFound(exception))
        {
            Volatile.Write(ref _store, null);
            ForgetOrigin();
            throw NatsKvConfigNotFoundException.BucketMissing(Bucket, exception);
        }
        catch (NatsJSApiException exception)
        {
            throw NatsKvBucketSettingsException.Refused(Bucket, exception);
        }

        Volatile.Write(ref _store, store);
        ForgetOrigin();
        var info = await GetBucketInfoAsync(cancellationToken).ConfigureAwait(false);
        Log.BucketUpdated(_logger, Bucket, info.History, info.MaxAge, info.Replicas, info.MaxBytes, info.Storage);
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

    /// <summary>The bucket's settings and state, or <see langword="null"/> when it does not exist.</summary>
    private async Task<NatsKvBucketInfo?> FindBucketInfoAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await GetBucketInfoAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NatsKvConfigNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Checks <paramref name="settings"/> and turns them into NATS.Net's configuration of this bucket.</summary>
    private NatsKVConfig StoreConfig(NatsKvBucketSettings settings, string paramName)
    {
        settings.Validate(paramName);
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
                    paramName);
            }

            config = config with { Mirror = NatsKvWire.MirrorSource(originBucket, settings.MirrorDomain!) };
        }

        return config;
    }

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
