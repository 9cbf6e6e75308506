using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace NatsKvConfig;

/// <summary>
/// Configuration read from a NATS JetStream Key-Value bucket and kept live by one watch. Its public surface
/// beyond <see cref="IConfigurationProvider"/> is read-only state for health checks.
/// </summary>
/// <remarks>
/// Readers never wait for the watcher and never see half of a batch: every batch of changes produces a new
/// immutable view, swapped in atomically, followed by one reload.
/// </remarks>
public sealed class NatsKvConfigurationProvider : ConfigurationProvider, IDisposable
{
    private static readonly TimeSpan DisposeTimeout = TimeSpan.FromSeconds(5);

    // After applying failed, the full read is asked for again after a wait that doubles from the first to the last.
    private static readonly TimeSpan InitialApplyBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxApplyBackoff = TimeSpan.FromSeconds(30);

    private readonly NatsKvConfigurationSource _source;

    // How JSON values expand (null: not at all), taken once: the source may be changed after the provider is built.
    private readonly JsonExpansionLimits? _jsonExpansion;
    private readonly ILogger _logger;
    private readonly NatsConnectionLease _connection;
    private readonly PendingChanges _pending;
    private readonly Action<PendingBatch>? _beforeApply;
    private readonly ConfigurationState _state;
    private readonly ProjectionWarningReporter _warnings;
    private readonly BucketWatcher _watcher;
    private readonly CancellationTokenSource _stopping = new();

    // Stops the first watch alone: one that resumed from a snapshot whose entries then turned out not to parse.
    private readonly CancellationTokenSource _firstWatchStopping;
    private readonly TaskCompletionSource _initialStateApplied = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SnapshotWriter? _snapshotWriter;
    private readonly NatsKvConfigMetrics _metrics;

    // The logging that waits for a host, when the source set no logger factory; null when it did.
    private readonly DeferredLoggerFactory? _hostLogging;
    private readonly Stopwatch _sinceLoadStarted = new();
    // The revision and age of the snapshot restored at start-up, if any: not the snapshot itself, whose entries
    // would otherwise stay alive beside the state that replaced them.
    private RestoredSnapshot? _restoredSnapshot;

    // Set (by the apply loop only) once the changes since a restored snapshot are applied and the bucket's full state
    // was asked for: the snapshot is trusted to start from, never to stay. Cleared when that full state replaced it.
    private bool _verifyingSnapshot;

    // While a snapshot is being restored (the watch already running), how many keys it holds, else -1: the watch
    // compares the stream with what the provider holds, and must not see the empty state from before the restore.
    private int _restoringKeyCount = -1;

    private Task? _watchLoop;
    private Task? _applyLoop;
    private Task? _snapshotLoop;
    private int _started;
    private int _loadReturned;
    private int _disposed;
    private long _drainedRevision;

    // How many held-back keys were last logged (event 1006), so a wake-up that releases nothing logs only news.
    private int _heldBackLogged;
    private long _lastChangeTicks;

    /// <summary>Creates a provider for <paramref name="source"/>. The watch starts on <see cref="Load"/>.</summary>
    /// <param name="source">The source's settings.</param>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it, and <c>ParamName</c> is <c>source</c>.</exception>
    /// <exception cref="InvalidOperationException">
    /// The source names a connection string (<see cref="NatsKvConfigurationSource.ConnectionName"/>) and sets no server:
    /// only a configuration builder has the configuration to read it from (<c>AddNatsKv</c>).
    /// </exception>
    public NatsKvConfigurationProvider(NatsKvConfigurationSource source)
        : this(source, new PendingChanges())
    {
    }

    /// <summary>
    /// Creates a provider over <paramref name="pending"/>, which the caller may hold on to (what waits, what is
    /// held back, how a full state is cut into parts), and <paramref name="beforeApply"/>, called with each batch
    /// before it is applied (an exception it throws is a failed apply). The seam tests reach the provider through;
    /// the public constructor gives neither. <paramref name="connectionUrl"/> is the server the source's connection
    /// string names (<see cref="NatsKvConfigurationSource.Build"/> reads it), if it names one.
    /// </summary>
    internal NatsKvConfigurationProvider(NatsKvConfigurationSource source, PendingChanges pending, Action<PendingBatch>? beforeApply = null, string? connectionUrl = null)
    {
        _beforeApply = beforeApply;
        ArgumentNullException.ThrowIfNull(source);
        source.Validate(nameof(source));
        if (connectionUrl is null && source.ConnectionName is { } connectionName && source.Connection is null && source.NatsOpts is null && !source.IsUrlSet)
        {
            throw new InvalidOperationException(
                $"The NATS KV configuration source of bucket '{source.Bucket}' takes its server from the connection string '{NatsConnectionString.KeyFor(connectionName)}', " +
                "which only a configuration builder can read: add the source with AddNatsKv, or set its Url.");
        }

        _source = source;
        _pending = pending;
        _firstWatchStopping = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        Bucket = source.Bucket!;

        // Without a factory of its own, the provider logs to one that keeps its start-up events for the host's logging.
        ILoggerFactory loggerFactory = source.LoggerFactory ?? (_hostLogging = new DeferredLoggerFactory(Bucket));
        _logger = loggerFactory.CreateLogger<NatsKvConfigurationProvider>();
        _connection = new NatsConnectionLease(source, loggerFactory, connectionUrl);
        _jsonExpansion = source.ExpandJsonValues ? source.JsonExpansionLimits : null;
        _state = new ConfigurationState(_jsonExpansion);
        _metrics = new NatsKvConfigMetrics(source.MeterFactory, Bucket, () => AppliedRevision, () => _state.LiveKeyCount, () => _watcher!.BucketBytes, () => IsConnected, () => IsCaughtUp); // read only once observed, after construction
        _warnings = new ProjectionWarningReporter(_logger, _metrics, Bucket, source.KeyPrefix);
        _watcher = new BucketWatcher(source, _connection, _pending, _logger, _metrics, () => _state.View.Count, LiveKeyCount);
        if (source.SnapshotPath is { } snapshotPath)
        {
            _snapshotWriter = new SnapshotWriter(snapshotPath, Bucket, source.SnapshotInterval, CaptureSnapshot, _logger);
        }
    }

    /// <summary>The bucket this provider reads.</summary>
    public string Bucket { get; }

    /// <summary>The highest bucket revision applied to this provider's configuration; 0 before anything was loaded.</summary>
    public ulong AppliedRevision => _state.Revision;

    /// <summary>Whether the initial state of the bucket has been applied (read in full, or caught up from the snapshot).</summary>
    public bool IsLoaded => _initialStateApplied.Task.IsCompletedSuccessfully;

    /// <summary>
    /// Whether the configuration is the last-known-good snapshot (<see cref="NatsKvConfigurationSource.SnapshotPath"/>)
    /// because the bucket has not been reachable since start-up; it stops being so once the changes since are applied.
    /// </summary>
    public bool IsServingSnapshot => Volatile.Read(ref _restoredSnapshot) is not null && !IsLoaded;

    /// <summary>Whether the connection to NATS is open now.</summary>
    public bool IsConnected => _connection.Current?.ConnectionState == NATS.Client.Core.NatsConnectionState.Open;

    /// <summary>
    /// Whether the provider is connected, watching, and has applied everything the bucket held when the watch
    /// last reported its end of data.
    /// </summary>
    /// <remarks>Changes held back for <see cref="NatsKvSettings.SentinelKey"/> do not count as behind.</remarks>
    public bool IsCaughtUp => IsLoaded && IsConnected && _watcher.IsCaughtUp && _pending.IsEmpty && (ulong)Interlocked.Read(ref _drainedRevision) >= _pending.ReleasableRevision;

    /// <summary>When the snapshot being served was written; null when no snapshot is being served.</summary>
    internal DateTimeOffset? ServedSnapshotWrittenAt => IsServingSnapshot ? Volatile.Read(ref _restoredSnapshot)?.WrittenAt : null;

    /// <summary>When the last change was applied to this provider's configuration, if any was.</summary>
    public DateTimeOffset? LastChangeTime => Interlocked.Read(ref _lastChangeTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>
    /// Starts the watch and blocks until the bucket's initial state is applied, for at most
    /// <see cref="NatsKvConfigurationSource.StartupTimeout"/>. Later calls return at once: the state stays live.
    /// </summary>
    /// <exception cref="NatsKvConfigurationException">
    /// The bucket could not be loaded in time and the source is neither optional nor told to ignore it.
    /// </exception>
    public override void Load()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }

        var stopwatch = Stopwatch.StartNew();
        _sinceLoadStarted.Start();
        var opened = _source.SnapshotPath is { } snapshotPath ? OpenSnapshot(snapshotPath) : null;

        // A file of a format before 4 does not say how many keys it holds, which the watch needs from its start
        // (see BucketWatcher.IsAnotherBucket): its entries are read first.
        BucketProjection? restored = null;
        if (opened is { LiveKeyCount: null })
        {
            restored = RestoreEntries(opened);
            opened = restored is null ? null : opened;
        }

        if (opened is not null)
        {
            Volatile.Write(ref _restoringKeyCount, opened.LiveKeyCount ?? restored!.LiveKeyCount);
            _pending.ResumeFrom(opened.Revision);
            _watcher.ResumeFromSnapshot(opened.StreamCreated);
        }

        // The watch connects and reads the changes since the snapshot while the snapshot's entries are read into
        // the state here; the apply loop starts once that state is in place, and applies what the watch has read
        // meanwhile.
        _watchLoop = Task.Run(() => _watcher.RunAsync(_firstWatchStopping.Token));
        if (opened is not null)
        {
            restored ??= RestoreEntries(opened);
            if (restored is null)
            {
                // The header held and the entries did not (a file written wrong, as its checksum holds): the watch
                // that resumed from it stops before anything it read is applied (the apply loop has not started),
                // and the bucket is read in full instead.
                _firstWatchStopping.Cancel();
                _watchLoop.GetAwaiter().GetResult();
                Volatile.Write(ref _restoringKeyCount, -1);
                _pending.BeginFullState(default);
                _watchLoop = Task.Run(() => _watcher.RunAsync(_stopping.Token));
            }
            else
            {
                RestoreSnapshot(restored, opened, stopwatch);
            }
        }

        if (_snapshotWriter is not null)
        {
            _snapshotLoop = Task.Run(() => _snapshotWriter.RunAsync(_stopping.Token));
        }

        _applyLoop = Task.Run(() => ApplyLoopAsync(_stopping.Token));

        // Plain blocking waits on thread-pool work: nothing here needs the caller's synchronisation context. An
        // optional source starts empty at the first failure; any other waits out the timeout, unless the failure
        // is one that retrying cannot fix. OnLoadException is told once the load has failed for good, not before.
        Task[] waitFor = _source.Optional
            ? [_initialStateApplied.Task, _watcher.FirstFailure]
            : [_initialStateApplied.Task, _watcher.PermanentFailure];
        Task.WaitAny(waitFor, _source.StartupTimeout);

        // From here on the configuration root may be listening: a state applied later must be announced.
        Interlocked.Exchange(ref _loadReturned, 1);
        if (IsLoaded)
        {
            Log.InitialLoadCompleted(_logger, Bucket, _state.LiveKeyCount, _state.View.Count, AppliedRevision, stopwatch.ElapsedMilliseconds);
            return;
        }

        var cause = _watcher.LastFailure ?? ApplyFailure;
        if (Volatile.Read(ref _restoredSnapshot) is { } served)
        {
            // Last-known-good configuration beats none, whether or not the source is optional.
            Log.ServingSnapshot(_logger, cause, Bucket, _source.SnapshotPath!, served.Revision, (long)(DateTimeOffset.UtcNow - served.WrittenAt).TotalSeconds, (long)_source.StartupTimeout.TotalMilliseconds, served.Revision + 1);
            return;
        }

        var exception = new NatsKvConfigurationException(
            $"Could not load configuration from NATS KV bucket '{Bucket}' at {_connection.Servers} within {_source.StartupTimeout.TotalSeconds:0.###} s"
            + (cause is null ? "." : $": {cause.GetType().Name}: {cause.Message}"),
            Bucket,
            _connection.Servers,
            cause);

        if (_source.Optional)
        {
            Log.OptionalSourceStartsEmpty(_logger, exception, Bucket, _connection.Servers);
            return;
        }

        if (_source.OnLoadException is { } onLoadException)
        {
            var context = new NatsKvLoadExceptionContext(_source, exception);
            onLoadException(context);
            if (context.Ignore)
            {
                Log.OptionalSourceStartsEmpty(_logger, exception, Bucket, _connection.Servers);
                return;
            }
        }

        Dispose();
        throw exception;
    }

    /// <inheritdoc />
    public override bool TryGet(string key, out string? value) => _state.View.TryGetValue(key, out value);

    /// <summary>
    /// Sets a value in this process only, as every configuration provider does for <c>configuration[key] = value</c>.
    /// It is not written to NATS, and the next change of the same path in the bucket replaces it.
    /// </summary>
    /// <param name="key">The configuration path.</param>
    /// <param name="value">The value.</param>
    public override void Set(string key, string? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        _state.SetLocal(key, value);
    }

    /// <inheritdoc />
    public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) =>
        _state.View.GetChildKeys(earlierKeys, parentPath);

    /// <summary>Stops the watch and waits (briefly) for it to end. A shared connection is left open.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        _watcher.Detach();
        var loops = new[] { _watchLoop, _applyLoop, _snapshotLoop }.OfType<Task>().ToArray();
        try
        {
            if (!Task.WaitAll(loops, DisposeTimeout))
            {
                Log.DisposeTimedOut(_logger, Bucket, (long)DisposeTimeout.TotalMilliseconds);
            }
        }
        catch (AggregateException exception)
        {
            Log.WatchLoopCrashed(_logger, exception, Bucket);
        }

        _pending.Dispose();

        // The last changes applied, written now rather than lost with the process.
        _snapshotWriter?.WriteIfChanged();
        if (!_connection.DisposeAsync().AsTask().Wait(DisposeTimeout))
        {
            Log.DisposeTimedOut(_logger, Bucket, (long)DisposeTimeout.TotalMilliseconds);
        }

        _firstWatchStopping.Dispose();
        _stopping.Dispose();
        _metrics.Dispose();
    }

    /// <summary>
    /// Joins the host (<c>services.AddNatsKvConfiguration()</c>): without a logger factory of the source's own, the
    /// events logged so far are written to <paramref name="loggerFactory"/> once, in order, and every later one
    /// goes there; without a meter factory of the source's own, the instruments move to <paramref name="meterFactory"/>.
    /// Joining again changes nothing.
    /// </summary>
    /// <returns>Whether the host's logging was connected by this call.</returns>
    internal bool JoinHost(ILoggerFactory? loggerFactory, IMeterFactory? meterFactory)
    {
        var loggingConnected = loggerFactory is not null && _hostLogging is not null && _hostLogging.Connect(loggerFactory);
        var metersConnected = meterFactory is not null && _metrics.UseMeterFactory(meterFactory);
        if (loggingConnected || metersConnected)
        {
            Log.JoinedHost(_logger, Bucket, loggingConnected, metersConnected);
        }

        return loggingConnected;
    }

    /// <summary>Leaves the host whose services are being disposed: its logging is no longer written to.</summary>
    internal void LeaveHost(ILoggerFactory loggerFactory) => _hostLogging?.Disconnect(loggerFactory);

    /// <inheritdoc />
    public override string ToString() =>
        $"{nameof(NatsKvConfigurationProvider)} for NATS KV bucket '{Bucket}'{(_source.KeyPrefix is { } prefix ? $" (keys under '{prefix}.')" : string.Empty)} ({(_source.Optional ? "Optional" : "Required")})";

    /// <summary>The last exception that applying a batch threw, if any: the cause to report when loading fails.</summary>
    private Exception? ApplyFailure { get; set; }

    private async Task ApplyLoopAsync(CancellationToken cancellationToken)
    {
        var applyFailures = 0;
        try
        {
            while (await _pending.WaitAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_source.ReloadDelay > TimeSpan.Zero && IsLoaded)
                {
                    await Task.Delay(_source.ReloadDelay, cancellationToken).ConfigureAwait(false);
                }

                try
                {
                    ApplyPending();
                    applyFailures = 0;
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // A bug on our side must not stop configuration for good: keep serving the last good view,
                    // and read the full state again (into a fresh projection), backing off if it fails again.
                    applyFailures++;
                    ApplyFailure = exception;
                    var delay = Backoff.Exponential(applyFailures, InitialApplyBackoff, MaxApplyBackoff);
                    Log.ApplyFailed(_logger, exception, Bucket, _pending.Revision, (long)delay.TotalMilliseconds);

                    // The full read is asked for at once, so the watch stops feeding the state that failed; a part
                    // of it still in flight finds no staging and is dropped (see ApplyPending), never published.
                    _state.DropStaging();
                    _watcher.RequestFullRead();
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (IsLoaded && !_source.ReloadOnChange && !_verifyingSnapshot)
                {
                    // Loaded once, as asked: stop watching, with the state written to the snapshot first (the
                    // snapshot loop stops with the watch).
                    _snapshotWriter?.WriteIfChanged();
                    await _stopping.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            Log.WatchLoopCrashed(_logger, exception, Bucket);
            throw;
        }
    }

    private void ApplyPending()
    {
        var batch = _pending.Drain();
        if (batch.IsEmpty)
        {
            ReportHeldBack();
            return;
        }

        _beforeApply?.Invoke(batch);

        if (batch.Changes.Count > 0)
        {
            Interlocked.Exchange(ref _drainedRevision, Math.Max(Interlocked.Read(ref _drainedRevision), (long)batch.Changes[^1].Revision));
        }

        ReportHeldBack();
        var warnings = new List<ProjectionWarning>();
        var previousView = _state.View;
        var changeCount = batch.Changes.Count; // counted now: a full state's buffer is freed once applied
        AppliedBatch applied;
        try
        {
            applied = _state.Apply(batch, warnings);
        }
        finally
        {
            // A full state's buffer is staged by now (its values copied into strings), or was dropped with a failed apply.
            (batch.Changes as IDisposable)?.Dispose();
        }

        _warnings.Report(warnings);
        if (applied.Kind == AppliedBatchKind.Incomplete)
        {
            // Its earlier parts were dropped with a failed apply: the full read asked for then (again here) brings
            // a complete state; this one is never published.
            _watcher.RequestFullRead();
            return;
        }

        _metrics.ChangesApplied(changeCount);
        if (applied.Kind == AppliedBatchKind.Staged)
        {
            return;
        }

        if (applied.LostKeys > 0)
        {
            Log.KeysLostFromStream(_logger, Bucket, applied.LostKeys, batch.PruneBelow);
        }

        var changed = applied.Changed;
        if (batch.Part == FullStatePart.Final && _verifyingSnapshot)
        {
            // What the snapshot plus the changes since produced, against the bucket itself: the same, unless the
            // file was stale in a way the catch-up cannot see, or forged. Readers are told only of a difference.
            _verifyingSnapshot = false;
            var differences = ConfigurationView.CountDifferences(previousView, _state.View);
            changed = differences > 0;
            if (changed)
            {
                Log.SnapshotCorrected(_logger, Bucket, AppliedRevision, differences);
            }
            else
            {
                Log.SnapshotConfirmed(_logger, Bucket, AppliedRevision);
            }
        }
        else if (batch.Part == FullStatePart.Final && IsLoaded)
        {
            Log.BucketStateReplaced(_logger, Bucket, AppliedRevision);
        }
        else if (batch.Part == FullStatePart.Final && _restoredSnapshot is { } snapshot)
        {
            Log.SnapshotSuperseded(_logger, Bucket, snapshot.Revision, AppliedRevision);
        }

        if (changed || batch.EndsInitialRead)
        {
            _snapshotWriter?.MarkChanged();
        }

        if (changed)
        {
            Interlocked.Exchange(ref _lastChangeTicks, DateTimeOffset.UtcNow.UtcTicks);
        }

        // Once per batch. A state that Load() is still waiting for needs no announcement (nobody can listen
        // yet); one applied after Load() returned, such as an optional source loading late, does.
        var announce = changed && Interlocked.CompareExchange(ref _loadReturned, 0, 0) == 1 && Volatile.Read(ref _disposed) == 0;
        Log.BatchApplied(_logger, Bucket, changeCount, AppliedRevision, announce);
        if (announce)
        {
            RaiseReload();
            _metrics.Reloaded();
            if (batch.Part == FullStatePart.None)
            {
                _metrics.ChangesReloaded(batch.Changes, DateTimeOffset.UtcNow);
            }
        }

        // Recorded before Load() is released, so whoever built the configuration can already see it.
        if (batch.EndsInitialRead && !_initialStateApplied.Task.IsCompleted)
        {
            if (batch.EndsCatchUp)
            {
                // Started from a snapshot, now caught up: the bucket's full state replaces it next, so that no value
                // the file holds (and the bucket does not) outlives the bucket being reachable.
                _verifyingSnapshot = true;
                _watcher.RequestFullRead();
            }

            _metrics.Loaded(_sinceLoadStarted.Elapsed);
            _initialStateApplied.TrySetResult();

            // From now on live changes wait for the sentinel; the initial state never does.
            if (_source.SentinelKey is { } sentinelKey)
            {
                _pending.HoldUntilSentinel(sentinelKey);
            }
        }
    }

    /// <summary>Logs (event 1006, debug) how many keys have changes held back for the sentinel key, when that changed.</summary>
    private void ReportHeldBack()
    {
        var held = _pending.HeldBackCount;
        if (held != _heldBackLogged && _source.SentinelKey is { } sentinelKey)
        {
            _heldBackLogged = held;
            if (held > 0)
            {
                Log.ChangesHeldBack(_logger, Bucket, held, sentinelKey, _pending.Revision);
            }
        }
    }

    /// <summary>
    /// The snapshot at <paramref name="path"/>, checked whole and its header read, if there is a usable one for this
    /// source; null (and why, logged) if not.
    /// </summary>
    private OpenedSnapshot? OpenSnapshot(string path)
    {
        if (!File.Exists(path) && new FileInfo(path).LinkTarget is null)
        {
            return null; // the first run: nothing to restore yet (a dangling link is refused below, with a warning)
        }

        if (!SnapshotFile.TryOpen(path, out var opened, out var reason, _source.SnapshotMaxBytes))
        {
            Log.SnapshotIgnored(_logger, Bucket, path, reason);
            return null;
        }

        if (!opened!.Matches(Bucket, _source.KeyPrefix ?? string.Empty, _jsonExpansion))
        {
            Log.SnapshotIgnored(_logger, Bucket, path, "it was written for another bucket, key prefix, ExpandJsonValues or JsonExpansionLimits setting");
            return null;
        }

        return opened;
    }

    /// <summary>
    /// The state of a snapshot opened, its entries read straight into it; null (and why, logged) if they do not
    /// parse. Nothing is published: see <see cref="RestoreSnapshot"/>.
    /// </summary>
    private BucketProjection? RestoreEntries(OpenedSnapshot opened)
    {
        var projection = BucketProjection.BeginRestore(opened.JsonExpansion, opened.EntryCount, opened.Revision, opened.StreamCreated);
        if (!SnapshotFile.TryReadEntries(opened, projection, out var reason))
        {
            Log.SnapshotIgnored(_logger, Bucket, _source.SnapshotPath!, reason);
            return null;
        }

        return projection;
    }

    /// <summary>
    /// Makes a snapshot's restored state the configuration at once; the watch reads only what changed after it.
    /// Runs before the apply loop starts, so nothing else touches the projection meanwhile.
    /// </summary>
    private void RestoreSnapshot(BucketProjection restored, OpenedSnapshot opened, Stopwatch stopwatch)
    {
        _state.Restore(restored);

        Volatile.Write(ref _restoringKeyCount, -1); // after the projection is in place
        Volatile.Write(ref _restoredSnapshot, new RestoredSnapshot(opened.Revision, opened.WrittenAt));
        Log.SnapshotRestored(_logger, Bucket, _source.SnapshotPath!, _state.LiveKeyCount, opened.Revision, (long)(DateTimeOffset.UtcNow - opened.WrittenAt).TotalSeconds, stopwatch.ElapsedMilliseconds);
    }

    /// <summary>How many keys have a value: the snapshot's while it is being restored, then the projection's.</summary>
    private int LiveKeyCount() => Volatile.Read(ref _restoringKeyCount) is var restoring and >= 0 ? restoring : _state.LiveKeyCount;

    /// <summary>The applied state, taken consistently with the apply loop, for the snapshot writer.</summary>
    private ConfigurationSnapshot CaptureSnapshot() => _state.Capture(Bucket, _source.KeyPrefix ?? string.Empty);

    private void RaiseReload()
    {
        try
        {
            OnReload();
        }
        catch (Exception exception)
        {
            // A listener (options validation, say) threw: its problem is logged, the watch goes on. The binder's
            // exception quotes the value it could not convert, so that one is logged by path and type only.
            if (OptionsBindingFailure.DescribeIfBindingFailure(exception) is { } failures)
            {
                Log.ReloadListenerBindingFailed(_logger, Bucket, AppliedRevision, failures);
            }
            else
            {
                Log.ReloadListenerFailed(_logger, exception, Bucket, AppliedRevision);
            }
        }
    }
}
