using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace NatsKvConfig;

/// <summary>
/// Writes configuration to a NATS JetStream KV bucket, safely: single keys with compare-and-swap, typed sections,
/// history and rollback, import and export of <c>appsettings.json</c>-style documents, and bucket management.
/// </summary>
/// <remarks>
/// <para>
/// The client works with one bucket, optionally only with the keys under a key prefix, and uses the same key
/// mapping as the provider (<see cref="NatsKvKeyMapper"/>): what it writes at <c>Logging:LogLevel:Default</c> is what
/// <c>configuration["Logging:LogLevel:Default"]</c> reads. Keys are given as <see cref="NatsKvConfigKey"/>, made
/// with <see cref="NatsKvConfigKey.Parse"/> from a configuration path (<c>database:host</c>) or a NATS key
/// (<c>database.host</c>); sections as configuration paths (empty or <see langword="null"/> for everything).
/// </para>
/// <para>
/// Writes of many keys (imports, section writes, rollbacks) are planned first, as a <see cref="NatsKvConfigPlan"/>
/// that a dry run returns, then applied key by key as compare-and-swaps on the revisions seen while planning, with
/// bounded concurrency: a key someone else changed in between fails the write with
/// <see cref="NatsKvRevisionConflictException"/> rather than being overwritten. Applying is not a transaction: the
/// changes made before a failure stay. With a <see cref="NatsKvSettings.SentinelKey"/>, the sentinel is
/// bumped after everything else, so sentinel-aware readers see all of a call's changes at once.
/// </para>
/// <para>
/// The client never logs or throws configuration values or credentials: messages name buckets, keys and revisions.
/// It holds no connection of its own (the caller's connection is never disposed here) and is safe to share.
/// </para>
/// </remarks>
public sealed partial class NatsKvConfigClient
{
    private const int MaxRetries = 10;

    private readonly INatsJSContext _js;
    private readonly NatsKVContext _kv;
    private readonly KeySpace _keys;
    private readonly string? _sentinelKey;
    private readonly bool _expandJsonValues;
    private readonly JsonExpansionLimits _jsonExpansionLimits;
    private readonly int _maxConcurrentWrites;
    private readonly ILogger _logger;
    private INatsKVStore? _store;

    /// <summary>Creates a client for the bucket named in <paramref name="options"/>, over <paramref name="connection"/>.</summary>
    /// <param name="connection">The NATS connection to use; the client never disposes it.</param>
    /// <param name="options">The bucket, and optionally a key prefix, a sentinel key and a logger factory.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public NatsKvConfigClient(INatsConnection connection, NatsKvConfigClientOptions options)
        : this(new NatsJSContext(connection ?? throw new ArgumentNullException(nameof(connection))), options)
    {
    }

    /// <summary>
    /// Creates a client over a JetStream context (for a JetStream domain or API prefix of your own).
    /// </summary>
    /// <param name="jetStream">The JetStream context to use.</param>
    /// <param name="options">The bucket, and optionally a key prefix, a sentinel key and a logger factory.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public NatsKvConfigClient(INatsJSContext jetStream, NatsKvConfigClientOptions options)
        : this(jetStream, options, options?.LoggerFactory?.CreateLogger<NatsKvConfigClient>())
    {
    }

    internal NatsKvConfigClient(INatsJSContext jetStream, NatsKvConfigClientOptions options, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(jetStream);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(nameof(options));
        _js = jetStream;
        _kv = new NatsKVContext(jetStream);
        Bucket = options.Bucket!;
        _keys = new KeySpace(options.KeyPrefix);
        _sentinelKey = options.SentinelKey;
        _expandJsonValues = options.ExpandJsonValues;
        _jsonExpansionLimits = options.JsonExpansionLimits;
        _maxConcurrentWrites = options.MaxConcurrentWrites;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The bucket's name.</summary>
    public string Bucket { get; }

    // How JSON values read, as the provider reads them: expanded within the limits, or (null) kept as strings.
    private JsonExpansionLimits? JsonExpansion => _expandJsonValues ? _jsonExpansionLimits : null;

    /// <summary>The key prefix all keys are relative to, or <see langword="null"/> for the whole bucket.</summary>
    public string? KeyPrefix => _keys.KeyPrefix;

    /// <summary>The sentinel key bumped after every write call, or <see langword="null"/>.</summary>
    public string? SentinelKey => _sentinelKey;

    /// <summary>
    /// Applies a plan (from <see cref="PlanImportAsync"/>, <see cref="DiffAsync"/>, <see cref="PlanSectionAsync"/> or a
    /// rollback plan): every change as a compare-and-swap on the revision the plan saw, up to
    /// <see cref="NatsKvConfigClientOptions.MaxConcurrentWrites"/> at once, then the sentinel key (if any).
    /// </summary>
    /// <param name="plan">The plan; it must be for this client's bucket and key prefix.</param>
    /// <param name="progress">Told after each change written, for a progress bar; may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops writing; changes already made stay.</param>
    /// <returns>The plan and the revisions written.</returns>
    /// <exception cref="NatsKvRevisionConflictException">A key moved since the plan was made; the other changes may have been made.</exception>
    /// <exception cref="NatsKvConfigNotFoundException">The bucket does not exist.</exception>
    public async Task<NatsKvConfigApplyResult> ApplyAsync(NatsKvConfigPlan plan, IProgress<NatsKvConfigProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!string.Equals(plan.Bucket, Bucket, StringComparison.Ordinal) || !string.Equals(plan.KeyPrefix, KeyPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The plan is for NATS KV bucket '{plan.Bucket}' with key prefix '{plan.KeyPrefix}', not '{Bucket}' with '{KeyPrefix}'.", nameof(plan));
        }

        var total = plan.Changes.Count;
        if (total == 0)
        {
            return new NatsKvConfigApplyResult(plan, 0, null);
        }

        var revisions = new ulong[total];
        var completed = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _maxConcurrentWrites, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, total), parallel, async (index, token) =>
        {
            var change = plan.Changes[index];
            revisions[index] = await WriteAsync(change.Key, change.NewRawValue, purge: false, change.ExpectedRevision, token).ConfigureAwait(false);
            progress?.Report(new NatsKvConfigProgress(Interlocked.Increment(ref completed), total));
        }).ConfigureAwait(false);

        var sentinelRevision = await BumpSentinelAsync(cancellationToken).ConfigureAwait(false);
        var lastRevision = Math.Max(revisions.Max(), sentinelRevision ?? 0);
        Log.PlanApplied(_logger, Bucket, plan.Section, plan.Added.Count, plan.Updated.Count, plan.Removed.Count, lastRevision, sentinelRevision ?? 0);
        return new NatsKvConfigApplyResult(plan, lastRevision, sentinelRevision);
    }

    /// <summary>The bucket's store, fetched once and kept (fetched again after the bucket was found missing).</summary>
    private async ValueTask<INatsKVStore> GetStoreAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _store) is { } store)
        {
            return store;
        }

        try
        {
            store = await _kv.GetStoreAsync(Bucket, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSException exception) when (NatsKvWire.IsStreamNotFound(exception))
        {
            throw NatsKvConfigNotFoundException.BucketMissing(Bucket, exception);
        }

        Volatile.Write(ref _store, store);
        return store;
    }

    /// <summary>Runs a read, turning "stream not found" into <see cref="NatsKvConfigNotFoundException"/>.</summary>
    private async Task<T> ReadAsync<T>(Func<INatsKVStore, Task<T>> read, CancellationToken cancellationToken)
    {
        var store = await GetStoreAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await read(store).ConfigureAwait(false);
        }
        catch (NatsJSException exception) when (NatsKvWire.IsStreamNotFound(exception))
        {
            Volatile.Write(ref _store, null);
            ForgetOrigin();
            throw NatsKvConfigNotFoundException.BucketMissing(Bucket, exception);
        }
    }

    /// <summary>
    /// The entries under <paramref name="filters"/>; with <paramref name="preferOrigin"/> (to plan writes), from a
    /// mirror's origin when it answers.
    /// </summary>
    private Task<List<NatsKvConfigEntry>> ReadEntriesAsync(IReadOnlyList<string> filters, bool history, CancellationToken cancellationToken, bool preferOrigin = false)
    {
        Func<INatsKVStore, Task<List<NatsKvConfigEntry>>> read = store => BucketScanner.ReadAsync(store, _keys, filters, history, cancellationToken);
        return preferOrigin ? ReadPreferringOriginAsync(read, cancellationToken) : ReadAsync(read, cancellationToken);
    }

    /// <summary>Every kept entry under <paramref name="filters"/>: from a mirror's origin when it answers, else from this bucket.</summary>
    private Task<List<NatsKvConfigEntry>> ReadHistoryAsync(IReadOnlyList<string> filters, CancellationToken cancellationToken) =>
        ReadEntriesAsync(filters, history: true, cancellationToken, preferOrigin: true);

    /// <summary>
    /// Writes a value (or, with <paramref name="value"/> null, a delete or purge marker) to a key relative to the
    /// prefix, optionally only if the key is at <paramref name="expectedRevision"/> (0: has no entry); returns the revision.
    /// </summary>
    private async Task<ulong> WriteAsync(string key, byte[]? value, bool purge, ulong? expectedRevision, CancellationToken cancellationToken)
    {
        var fullKey = _keys.Full(key);
        var headers = value is null ? NatsKvWire.MarkerHeaders(purge) : null;
        if (expectedRevision is { } expected)
        {
            headers ??= new NatsHeaders();
            headers[NatsKvWire.ExpectedLastSubjectSequenceHeader] = NatsKvWire.ExpectedRevision(expected);
        }

        // A mirror takes no writes: they go to its origin (through the mirror's external API prefix), with the
        // origin's revisions, as the Go and JavaScript clients write through a mirror too.
        var origin = await GetOriginAsync(cancellationToken).ConfigureAwait(false);
        var result = await _js.TryPublishAsync(origin.WriteSubject(fullKey), value ?? [], NatsRawSerializer<byte[]>.Default, headers: headers, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!result.Success)
        {
            ForgetOrigin();
            if (result.Error is NatsJSPublishNoResponseException or NatsNoRespondersException)
            {
                await ThrowIfBucketMissingAsync(result.Error, cancellationToken).ConfigureAwait(false);
                if (origin.IsMirror)
                {
                    Log.OriginUnavailable(_logger, Bucket, key, origin.Bucket, origin.ApiPrefix ?? _js.Opts.Prefix);
                    throw NatsKvOriginUnavailableException.WriteFailed(Bucket, key, origin, result.Error);
                }
            }

            throw result.Error;
        }

        var ack = result.Value;
        if (ack.Error is { } error)
        {
            var exception = new NatsJSApiException(error);
            if (error.ErrCode == NatsKvWire.WrongLastSequence)
            {
                var actual = await CurrentRevisionAsync(origin, key, cancellationToken).ConfigureAwait(false);
                Log.RevisionConflict(_logger, Bucket, key, expectedRevision ?? 0, actual);
                throw NatsKvRevisionConflictException.NotAt(Bucket, key, expectedRevision ?? 0, actual, exception);
            }

            throw exception;
        }

        return ack.Seq;
    }

    private async Task ThrowIfBucketMissingAsync(Exception cause, CancellationToken cancellationToken)
    {
        try
        {
            await _js.GetStreamAsync(NatsKvWire.StreamName(Bucket), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSException exception) when (NatsKvWire.IsStreamNotFound(exception))
        {
            Volatile.Write(ref _store, null);
            ForgetOrigin();
            throw NatsKvConfigNotFoundException.BucketMissing(Bucket, cause);
        }
    }

    /// <summary>
    /// The revision of the key's latest entry in the bucket that took the write (a mirror's origin), a delete marker
    /// included; 0 when it has none.
    /// </summary>
    private async Task<ulong> CurrentRevisionAsync(KvOrigin origin, string key, CancellationToken cancellationToken)
    {
        try
        {
            var (_, revision) = await NatsKvWire.LastRevisionAsync(OriginJetStream(origin), origin.Bucket, _keys.Full(key), cancellationToken).ConfigureAwait(false);
            return revision;
        }
        catch (NatsJSException exception) when (NatsKvWire.IsStreamNotFound(exception))
        {
            ForgetOrigin();
            throw NatsKvConfigNotFoundException.BucketMissing(origin.Bucket, exception);
        }
    }

    /// <summary>
    /// The key's latest entry, a delete marker included, or <see langword="null"/> when it has none; with
    /// <paramref name="preferOrigin"/>, read from a mirror's origin when it answers (for a compare-and-swap there).
    /// </summary>
    private Task<NatsKvConfigEntry?> LatestEntryAsync(string key, CancellationToken cancellationToken, bool preferOrigin = false)
    {
        Func<INatsKVStore, Task<NatsKvConfigEntry?>> read =
            async store =>
            {
                var result = await store.TryGetEntryAsync(_keys.Full(key), 0, NatsRawSerializer<byte[]>.Default, cancellationToken).ConfigureAwait(false);
                if (result.Success)
                {
                    var entry = result.Value;
                    return new NatsKvConfigEntry(key, entry.Revision, BucketScanner.ToOperation(entry.Operation), entry.Value ?? [], entry.Created);
                }

                return result.Error switch
                {
                    NatsKVKeyDeletedException deleted => new NatsKvConfigEntry(key, deleted.Revision, NatsKvConfigOperation.Delete, [], default),
                    NatsKVKeyNotFoundException => null,
                    _ => throw result.Error,
                };
            };
        return preferOrigin ? ReadPreferringOriginAsync(read, cancellationToken) : ReadAsync(read, cancellationToken);
    }

    /// <summary>Bumps the sentinel key's counter, when there is one; returns its new revision.</summary>
    private async Task<ulong?> BumpSentinelAsync(CancellationToken cancellationToken)
    {
        if (_sentinelKey is null)
        {
            return null;
        }

        for (var attempt = 1; ; attempt++)
        {
            var current = await LatestEntryAsync(_sentinelKey, cancellationToken, preferOrigin: true).ConfigureAwait(false);
            var counter = current is { IsLive: true } && long.TryParse(current.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value < long.MaxValue ? value : 0;
            var next = Encoding.UTF8.GetBytes((counter + 1).ToString(CultureInfo.InvariantCulture));
            try
            {
                return await WriteAsync(_sentinelKey, next, purge: false, current?.Revision ?? 0, cancellationToken).ConfigureAwait(false);
            }
            catch (NatsKvRevisionConflictException) when (attempt < MaxRetries)
            {
                // Another writer bumped it at the same time: count on from theirs.
            }
        }
    }

    private bool IsSentinel(string key) => _sentinelKey is not null && string.Equals(key, _sentinelKey, StringComparison.Ordinal);

    private NatsKvConfigPlan NewPlan(string section, (List<NatsKvConfigChange> Changes, int Unchanged) planned, IReadOnlyList<NatsKvConfigKeyResolution>? collisions = null) =>
        new(Bucket, KeyPrefix, section, planned.Changes, planned.Unchanged, collisions);
}
