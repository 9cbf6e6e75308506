using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace NatsKvConfig;

/// <summary>
/// Keeps one KV watch of the bucket (or of <c>KeyPrefix.&gt;</c>) running and feeds what it reads into
/// <see cref="PendingChanges"/>. The same watch reads the initial state and then the live changes, so
/// nothing written in between is missed. After a failure, a reconnect or a stall it resumes from the last
/// revision read; after the bucket was replaced it reads the full state again.
/// </summary>
internal sealed class BucketWatcher
{
    private static readonly TimeSpan InitialDefaultBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxDefaultBackoff = TimeSpan.FromSeconds(10);

    // How long the watch's JetStream requests (the store, the stream's state, creating its consumer) wait for an
    // answer, at the least. A server serving a fleet's start is slow to answer, not gone: at NATS.Net's default of
    // 5 s, 1,000 instances starting at once on a 10,000-key bucket timed out and started over again and again, and
    // most never loaded (docs/benchmarks.md, the fleet). A connection that was lost does not wait for it: when it
    // opens again, its event restarts the watch at once.
    private static readonly TimeSpan MinRequestTimeout = TimeSpan.FromSeconds(30);

    // A full read of at least this many entries is followed by a new watch, resumed right after it: NATS.Net's watch
    // keeps the arrays behind its channels as large as the backlog a fast read built (1,024 entries of 72 bytes each
    // after a read of 1,000 keys, 16,384 after 100,000: 1.2 MB) for as long as it runs, and a new one holds none.
    private const int RenewWatchAfterEntries = 1_000;

    private readonly NatsKvConfigurationSource _source;
    private readonly string _bucket;
    private readonly string _filter;
    private readonly int _prefixLength;
    private readonly NatsConnectionLease _connection;
    private readonly PendingChanges _pending;
    private readonly ILogger _logger;
    private readonly Func<int> _pathCount;
    private readonly NatsKvConfigMetrics _metrics;
    private readonly Func<int> _liveKeyCount;
    private readonly TaskCompletionSource<Exception> _firstFailure = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Exception> _permanentFailure = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CancellationTokenSource? _currentWatch;
    private CancellationTokenSource? _currentBackoff;
    private DateTimeOffset? _streamCreated;
    private ulong _initialBoundary;
    private bool _boundaryKnown;
    private bool _bucketMissingLogged;
    private volatile bool _caughtUp;
    private volatile bool _disconnected;
    private long _lastEntryTicks;
    private long _bucketBytes = -1;
    private int _fullReadRequested;

    // Set when the watch ends on purpose after a large full read (see RenewWatchAfterEntries): the next one is no
    // restart to count, and the provider stays caught up meanwhile.
    private bool _renewing;

    public BucketWatcher(NatsKvConfigurationSource source, NatsConnectionLease connection, PendingChanges pending, ILogger logger, NatsKvConfigMetrics metrics, Func<int> pathCount, Func<int> liveKeyCount)
    {
        _source = source;
        _bucket = source.Bucket!;
        _filter = source.KeyPrefix is { Length: > 0 } prefix ? prefix + ".>" : ">";
        _prefixLength = source.KeyPrefix is { Length: > 0 } p ? p.Length + 1 : 0;
        _connection = connection;
        _pending = pending;
        _logger = logger;
        _pathCount = pathCount;
        _metrics = metrics;
        _liveKeyCount = liveKeyCount;
        _connection.Opened += OnConnectionOpened;
        _connection.Disconnected += OnConnectionDisconnected;
    }

    /// <summary>Completes with the first failure, so an optional source's start-up need not wait out its timeout.</summary>
    public Task<Exception> FirstFailure => _firstFailure.Task;

    /// <summary>
    /// Completes with the first failure that retrying cannot fix: credentials or a TLS handshake refused, or no
    /// permission to read the bucket. Everything else (no server yet, a missing bucket) may pass.
    /// </summary>
    public Task<Exception> PermanentFailure => _permanentFailure.Task;

    /// <summary>The most recent failure, if the watch is not running now.</summary>
    public Exception? LastFailure { get; private set; }

    /// <summary>Whether the watch is live and has delivered everything the bucket held when it last looked.</summary>
    public bool IsCaughtUp => _caughtUp && !_disconnected;

    /// <summary>The bucket's stream size in bytes as the server last reported it; null before the first report.</summary>
    public long? BucketBytes => Interlocked.Read(ref _bucketBytes) is var bytes and >= 0 ? bytes : null;

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled, retrying with back-off.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        var started = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (started && !_renewing)
            {
                _metrics.WatchRestarted();
            }

            started = true;
            try
            {
                await WatchOnceAsync(cancellationToken).ConfigureAwait(false);
                failures = 0;
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping: whatever the watch was doing when its connection closed under it is not a failure to report.
                return;
            }
            catch (Exception caught)
            {
                var exception = CredentialRedactor.Redact(caught);
                _caughtUp = false;
                _renewing = false; // a watch that failed starting over is a restart like any other
                failures++;
                LastFailure = exception;
                _firstFailure.TrySetResult(exception);
                if (IsPermanent(caught))
                {
                    _permanentFailure.TrySetResult(exception);
                }

                if (NatsKvWire.IsStreamNotFound(exception))
                {
                    if (!_bucketMissingLogged)
                    {
                        _bucketMissingLogged = true;
                        Log.BucketMissing(_logger, _bucket, _pathCount());
                    }
                }

                var delay = RetryDelay(exception, failures);
                Log.WatchFailed(_logger, exception, _bucket, _connection.Servers, failures, (long)delay.TotalMilliseconds, _pending.Revision);
                using var backoff = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                Volatile.Write(ref _currentBackoff, backoff);
                try
                {
                    await Task.Delay(delay, backoff.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The connection came back: retry now rather than wait out the back-off.
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                finally
                {
                    Volatile.Write(ref _currentBackoff, null);
                }
            }
        }
    }

    private TimeSpan RetryDelay(Exception exception, int failures)
    {
        if (_source.OnWatchException is { } onWatchException)
        {
            var chosen = onWatchException(new NatsKvWatchExceptionContext(_source, exception, failures));
            return chosen < TimeSpan.Zero ? TimeSpan.Zero : chosen;
        }

        return Backoff.Exponential(failures, InitialDefaultBackoff, MaxDefaultBackoff);
    }

    private async Task WatchOnceAsync(CancellationToken cancellationToken)
    {
        var connection = await _connection.GetOpenAsync(cancellationToken).ConfigureAwait(false);
        var requestTimeout = connection.Opts.RequestTimeout > MinRequestTimeout ? connection.Opts.RequestTimeout : MinRequestTimeout;
        var js = new NatsJSContext(connection, new NatsJSOpts(connection.Opts, requestTimeout: requestTimeout));

        // A full read, or a catch-up from a snapshot, needs the newest revision under the filter as well. All
        // questions are asked at once: the store (which the watch needs) with the stream's state, one request (see
        // KvStoreFromStream), and that revision where the stream's last sequence does not answer it. Nothing read
        // yet, or a full read cut short: read the full state (again).
        var unfinished = Interlocked.Exchange(ref _fullReadRequested, 0) == 1 || _pending.Revision == 0 || _pending.IsReadingFullState;
        var catchingUp = !unfinished && _pending.IsCatchingUp;
        var liveKeys = _liveKeyCount(); // counted before the bucket is asked: see IsAnotherBucket
        var storeQuery = KvStoreFromStream.GetAsync(js, _bucket, cancellationToken);
        var boundaryQuery = (unfinished || catchingUp) && _prefixLength > 0 ? TryGetLastRevisionAsync(js, cancellationToken).AsTask() : null;
        await Task.WhenAll(boundaryQuery is null ? [storeQuery] : [storeQuery, boundaryQuery]).ConfigureAwait(false);
        var (store, status) = await storeQuery.ConfigureAwait(false);

        // Without a prefix the stream's last sequence is the boundary, and no look-up of the last message under the
        // filter is needed (on nats-server 2.9 that one scans the stream's subjects: milliseconds the read would
        // wait for). One message get by sequence, which costs the server nothing, proves instead that this user may
        // get messages, as every probe will; awaited once the state is read (or before a catch-up ends), so a user
        // without that permission still fails at start-up, as documented, not later.
        var permissionCheck = (unfinished || catchingUp) && boundaryQuery is null ? NatsKvWire.ProveMessageGetAsync(js, _bucket, Math.Max(status.State.LastSeq, 1), cancellationToken) : null;
        Interlocked.Exchange(ref _bucketBytes, (long)status.State.Bytes);
        _bucketMissingLogged = false;

        var replaced = IsAnotherBucket(status, liveKeys);
        _streamCreated = status.Created;
        var fullState = unfinished || replaced;

        using var watch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Volatile.Write(ref _currentWatch, watch);
        _caughtUp = _renewing && _caughtUp;
        _renewing = false;
        _disconnected = connection.ConnectionState != NatsConnectionState.Open;
        var resumeAt = 0UL;
        var wholeStream = false;
        if (fullState)
        {
            _pending.BeginFullState(status.Created);
            wholeStream = HoldsOneMessagePerKey(status.State);

            // Without a key prefix every message of the stream is under the filter: its last sequence is the
            // newest revision, unless that message is gone (see CompleteFullStateIfReadAsync), and no request is needed.
            (_boundaryKnown, _initialBoundary) = boundaryQuery is not null ? await boundaryQuery.ConfigureAwait(false)
                : _prefixLength == 0 ? (true, status.State.Messages == 0 ? 0 : status.State.LastSeq)
                : await TryGetLastRevisionAsync(js, cancellationToken).ConfigureAwait(false);
            Log.ReadingFullState(_logger, _bucket, _filter, _initialBoundary, _boundaryKnown, wholeStream);
            if (_boundaryKnown && _initialBoundary == 0)
            {
                _pending.CompleteFullState();
            }
        }
        else
        {
            resumeAt = _pending.Revision + 1;
            if (catchingUp)
            {
                if (permissionCheck is not null)
                {
                    var check = permissionCheck;
                    permissionCheck = null;
                    await check.ConfigureAwait(false);
                }

                // Caught up once the newest revision that existed when the watch resumed was read: without a prefix,
                // the stream's last sequence, unless that message is gone (see CompleteCatchUpIfReadAsync).
                (_boundaryKnown, _initialBoundary) = boundaryQuery is not null ? await boundaryQuery.ConfigureAwait(false)
                    : (true, status.State.Messages == 0 ? 0 : status.State.LastSeq);
                if (_boundaryKnown)
                {
                    // Keys of the snapshot below where the stream now starts were purged or expired meanwhile.
                    _pending.ReportFirstRevision(status.State.FirstSeq, _initialBoundary);
                }

                if (_boundaryKnown && _initialBoundary <= _pending.Revision)
                {
                    _pending.CompleteCatchUp();
                }
            }
        }

        var opts = new NatsKVWatchOpts
        {
            ResumeAtRevision = resumeAt,
            IncludeHistory = wholeStream,
            OnNoData = _ =>
            {
                // Nothing to read at the start: the state is complete (an empty bucket sends no Delta == 0).
                _pending.CompleteFullState();
                _pending.CompleteCatchUp();
                _caughtUp = true;
                return new ValueTask<bool>(false);
            },
        };

        var probe = ProbeAsync(store, js, watch);
        var restartRequested = false;
        var sizeHinted = false;
        var fullStateEntries = 0;
        try
        {
            await foreach (var entry in store.WatchAsync(_filter, NatsRawSerializer<byte[]>.Default, opts, watch.Token).ConfigureAwait(false))
            {
                Volatile.Write(ref _lastEntryTicks, Environment.TickCount64);
                var key = _prefixLength == 0 ? entry.Key : entry.Key[_prefixLength..];
                var readingFullState = _pending.Add(new KvChange(key, entry.Revision, entry.Operation != NatsKVOperation.Put, entry.Value ?? [], entry.Created));
                if (readingFullState)
                {
                    if (!sizeHinted)
                    {
                        // The first entry's Delta says how many more the state holds: enough to size for it once.
                        _pending.HintFullStateSize(entry.Delta + 1);
                        sizeHinted = true;
                    }

                    if (permissionCheck is not null && IsLastOfFullState(entry.Revision, entry.Delta))
                    {
                        var check = permissionCheck;
                        permissionCheck = null;
                        await check.ConfigureAwait(false);
                    }

                    fullStateEntries++;
                    if (IsLastOfFullState(entry.Revision, entry.Delta)
                        && await CompleteFullStateIfReadAsync(js, entry.Revision, entry.Delta, watch.Token).ConfigureAwait(false)
                        && fullStateEntries >= RenewWatchAfterEntries)
                    {
                        // The state is read: a new watch follows it from here, without the old one's large buffers.
                        _renewing = true;
                        _caughtUp = true;
                        await watch.CancelAsync().ConfigureAwait(false);
                        break;
                    }
                }
                else if (catchingUp)
                {
                    await CompleteCatchUpIfReadAsync(js, entry.Revision, entry.Delta, watch.Token).ConfigureAwait(false);
                }

                if (entry.Delta == 0)
                {
                    _caughtUp = true;
                }
            }
        }
        catch (Exception) when (watch.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Restart requested (reconnect, stall, bucket replaced, a full read after a snapshot): resume below. NATS.Net
            // may answer a cancellation with an exception of its own (a consumer request cut short); it is no failure.
        }
        finally
        {
            // Not awaited when the bucket was empty or the watch ended first: observed, so it faults nowhere.
            _ = permissionCheck?.ContinueWith(static task => task.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            restartRequested = watch.IsCancellationRequested;
            Volatile.Write(ref _currentWatch, null);
            await watch.CancelAsync().ConfigureAwait(false);
            await probe.ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (LastProbeFailure is { } failure)
        {
            LastProbeFailure = null;
            throw failure;
        }

        if (!restartRequested)
        {
            // NATS.Net ended the watch on its own: count it as a failure, so retries back off.
            throw new NatsKvConfigurationException($"The watch of NATS KV bucket '{_bucket}' ended unexpectedly.");
        }
    }

    private Exception? LastProbeFailure { get; set; }

    // The initial state is complete once the newest revision that existed when the watch started was read; says whether it was.
    private async ValueTask<bool> CompleteFullStateIfReadAsync(NatsJSContext js, ulong revision, ulong delta, CancellationToken cancellationToken)
    {
        if (!await HasReadBoundaryAsync(js, revision, delta, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        _pending.CompleteFullState();
        return true;
    }

    // A catch-up from a snapshot is complete once the newest revision that existed when the watch resumed was read.
    private async ValueTask CompleteCatchUpIfReadAsync(NatsJSContext js, ulong revision, ulong delta, CancellationToken cancellationToken)
    {
        if (await HasReadBoundaryAsync(js, revision, delta, cancellationToken).ConfigureAwait(false))
        {
            _pending.CompleteCatchUp();
        }
    }

    // Whether the entry at revision reaches the boundary the watch started with. A lone Delta == 0 is not trusted
    // on its own (nats-server #4824 reports it early on large buckets), but it sends us to ask again: the newest
    // message may have expired or been purged since the boundary was taken.
    private async ValueTask<bool> HasReadBoundaryAsync(NatsJSContext js, ulong revision, ulong delta, CancellationToken cancellationToken)
    {
        if (_boundaryKnown ? revision >= _initialBoundary : delta == 0)
        {
            return true;
        }

        if (delta != 0)
        {
            return false;
        }

        (_boundaryKnown, _initialBoundary) = await TryGetLastRevisionAsync(js, cancellationToken).ConfigureAwait(false);
        return !_boundaryKnown || revision >= _initialBoundary;
    }

    // Whether the entry may end the full state: it reaches the boundary, or the server says nothing more is pending.
    private bool IsLastOfFullState(ulong revision, ulong delta) => delta == 0 || (_boundaryKnown && revision >= _initialBoundary);

    /// <summary>
    /// The revision of the newest entry under the watched filter, or 0 when there is none; not known when the server
    /// cannot say (the watch's own end-of-data marker is relied on then), the bucket missing included.
    /// </summary>
    private async ValueTask<(bool Known, ulong Revision)> TryGetLastRevisionAsync(NatsJSContext js, CancellationToken cancellationToken)
    {
        try
        {
            return await NatsKvWire.LastRevisionAsync(js, _bucket, _filter, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException exception) when (NatsKvWire.IsStreamNotFound(exception))
        {
            // Only "not known" here: the watch and the probe notice a missing bucket by their own requests.
            return (false, 0);
        }
    }

    /// <summary>
    /// Checks now and then that the bucket still exists and is the same bucket, and reports where its stream now
    /// starts (keys below it lost their messages: a purge or an expiry sends a watch nothing); while the watch is
    /// idle, also that the bucket has nothing newer than what the watch delivered. Otherwise restarts the watch.
    /// </summary>
    private async Task ProbeAsync(INatsKVStore store, NatsJSContext js, CancellationTokenSource watch)
    {
        var interval = _source.WatchProbeInterval;
        ulong suspectedStallAt = 0;
        try
        {
            while (!watch.IsCancellationRequested)
            {
                await Task.Delay(interval, watch.Token).ConfigureAwait(false);
                if (_disconnected)
                {
                    suspectedStallAt = 0;
                    continue;
                }

                var idle = Environment.TickCount64 - Volatile.Read(ref _lastEntryTicks) >= interval.TotalMilliseconds;

                NatsKVStatus status;
                var liveKeys = _liveKeyCount();
                try
                {
                    status = await store.GetStatusAsync(watch.Token).ConfigureAwait(false);
                }
                catch (NatsJSApiException exception) when (NatsKvWire.IsStreamNotFound(exception))
                {
                    LastProbeFailure = exception;
                    await watch.CancelAsync().ConfigureAwait(false);
                    return;
                }

                Interlocked.Exchange(ref _bucketBytes, (long)status.Info.State.Bytes);
                if (IsAnotherBucket(status.Info, liveKeys))
                {
                    await watch.CancelAsync().ConfigureAwait(false);
                    return;
                }

                var (known, latest) = await TryGetLastRevisionAsync(js, watch.Token).ConfigureAwait(false);
                if (known)
                {
                    _pending.ReportFirstRevision(status.Info.State.FirstSeq, latest);
                }

                if (!idle || !known || latest <= _pending.Revision)
                {
                    suspectedStallAt = 0;
                }
                else if (suspectedStallAt != 0 && suspectedStallAt <= latest)
                {
                    Log.WatchStalled(_logger, _bucket, _pending.Revision, latest);
                    await watch.CancelAsync().ConfigureAwait(false);
                    return;
                }
                else
                {
                    suspectedStallAt = latest; // give an entry in flight one more interval to arrive
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception exception) when (exception is NatsException or TimeoutException)
        {
            // A probe that cannot reach the server proves nothing; the connection's own events take over.
        }
    }

    /// <summary>
    /// Whether the bucket is not the one read so far: created at another time, ending before what was read, or
    /// holding fewer keys than configuration has values for. The last catches what sends nothing to a watch:
    /// a purge of the stream, entries expired by the bucket's max age, delete markers removed. Every key read
    /// with a value still has at least one message in the stream unless one of those happened.
    /// </summary>
    /// <param name="status">The bucket's status.</param>
    /// <param name="liveKeys">How many keys had values before the status was asked for, so a key read in
    /// between cannot make the count look too high.</param>
    private bool IsAnotherBucket(StreamInfo status, int liveKeys)
    {
        if (_streamCreated is not { } created)
        {
            return false;
        }

        var state = status.State;
        return created != status.Created
            || state.LastSeq < _pending.Revision
            || state.NumSubjects < liveKeys;
    }

    /// <summary>
    /// Whether every key of the bucket has exactly one message in its stream (the default history of 1 keeps it so),
    /// in which case the stream as it is holds exactly the last entry of each key. A full read then asks for every
    /// message rather than for each key's last: the same entries, in the same order, but the server no longer
    /// looks up each key's last message before it sends the first (on nats-server 2.9 with 100,000 keys, the first
    /// entry came after about 90 ms rather than 220 ms, of a load of about 450 ms). A key written again between this
    /// status and the watch's start may then arrive twice, older revision first, which the projection orders as it
    /// orders any two changes of a key.
    /// </summary>
    private static bool HoldsOneMessagePerKey(StreamState state) => state.Messages > 0 && state.Messages == state.NumSubjects;

    /// <summary>
    /// Starts from a snapshot of the bucket created at <paramref name="streamCreated"/>: the first watch resumes
    /// after the snapshot's revision, unless the bucket turns out to be another one.
    /// </summary>
    public void ResumeFromSnapshot(DateTimeOffset streamCreated) => _streamCreated = streamCreated;

    // Judged by type where there is one, else by the server's words (NATS.Net reports them as message text).
    private static bool IsPermanent(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is System.Security.Authentication.AuthenticationException
                || current.Message.Contains("Authorization Violation", StringComparison.OrdinalIgnoreCase)
                || current.Message.Contains("Permissions Violation", StringComparison.OrdinalIgnoreCase)
                || current.Message.Contains("Authentication Expired", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private void OnConnectionDisconnected(object? sender, EventArgs e)
    {
        if (!_disconnected)
        {
            _disconnected = true;
            Log.Disconnected(_logger, _bucket, _pending.Revision);
        }
    }

    // NATS.Net's watcher notices a consumer lost with a restarted server only after two missed heartbeats;
    // restarting the watch on reconnect brings updates back at once, resuming from the last revision read.
    private void OnConnectionOpened(object? sender, EventArgs e)
    {
        if (!_disconnected)
        {
            return;
        }

        _disconnected = false;
        Log.WatchResuming(_logger, _bucket, _pending.Revision);
        CancelQuietly(Volatile.Read(ref _currentWatch));
        CancelQuietly(Volatile.Read(ref _currentBackoff));
    }

    private static void CancelQuietly(CancellationTokenSource? source)
    {
        try
        {
            source?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It finished in the meantime: nothing to restart.
        }
    }

    /// <summary>
    /// Restarts the watch with a full read of the bucket: applying what was read failed, so what the provider
    /// holds can no longer be trusted to continue from.
    /// </summary>
    public void RequestFullRead()
    {
        Interlocked.Exchange(ref _fullReadRequested, 1);
        CancelQuietly(Volatile.Read(ref _currentWatch));
        CancelQuietly(Volatile.Read(ref _currentBackoff));
    }

    /// <summary>Stops listening to connection events.</summary>
    public void Detach()
    {
        _connection.Opened -= OnConnectionOpened;
        _connection.Disconnected -= OnConnectionDisconnected;
    }
}
