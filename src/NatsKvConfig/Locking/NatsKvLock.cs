using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;

namespace NatsKvConfig;

/// <summary>
/// Distributed locks in a NATS KV bucket whose max age is the lease: a lock is one key, held by whoever
/// created it and renewed it within the last max age.
/// </summary>
/// <remarks>
/// <para>
/// Acquiring creates the key only if it has no live value (compare-and-swap on "no revision", or on the
/// revision of its delete marker), so two acquirers cannot both win. The holder renews with compare-and-swap
/// writes at its entry's current revision every third of the lease and releases by deleting at that
/// revision only. A holder that dies stops renewing; its entry then expires with the bucket's max age, and
/// an acquirer that finds the entry older than the lease by the server's clock takes it over with a
/// compare-and-swap at the stale entry's revision (nats-server 2.9 may remove expired entries late, and its
/// watchers do not see expiry). Waiting acquirers watch the key and wake when it is deleted, plus once when
/// the holder's lease can have ended; they do not poll.
/// </para>
/// <para>
/// On nats-server 2.11 and later, with a bucket that allows per-message TTLs, each lock write also carries a
/// TTL of the lease. The bucket must have a max age (from a second to 30 days) either way: a lock must expire.
/// </para>
/// <para>Thread-safe; one instance can serve many locks and callers. See docs/locks.md.</para>
/// </remarks>
public sealed class NatsKvLock
{
    /// <summary>Rounds of write, conflict, read before an attempt gives up for now (others are changing the key).</summary>
    private const int MaxRounds = 5;

    /// <summary>The longest a waiter sleeps without an event (timers take at most about 49 days).</summary>
    private static readonly TimeSpan MaxSleep = TimeSpan.FromHours(1);

    private readonly LockKeyStore _keys;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ServerClock _clock;
    private int _ttlLogged;

    /// <summary>Creates locks in the bucket behind <paramref name="store"/>.</summary>
    /// <param name="store">
    /// The bucket's store, e.g. from <c>INatsKVContext.CreateOrUpdateStoreAsync(new NatsKVConfig("locks") { MaxAge = TimeSpan.FromSeconds(30) })</c>.
    /// Its max age is the lease of every lock in it; a bucket without one is refused when a lock is acquired.
    /// Use a bucket of its own: a max age would also expire any other keys in it.
    /// </param>
    /// <param name="logger">Where to log (event ids 10001–10019); none by default.</param>
    public NatsKvLock(INatsKVStore store, ILogger<NatsKvLock>? logger = null)
        : this(store, logger, TimeProvider.System)
    {
    }

    internal NatsKvLock(INatsKVStore store, ILogger? logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        _keys = new LockKeyStore(store);
        _logger = logger ?? NullLogger.Instance;
        _time = time;
        _clock = new ServerClock(time);
    }

    /// <summary>
    /// Acquires the lock <paramref name="name"/> if nobody holds it, without waiting. A write whose reply is lost is
    /// checked by reading the key: if it was stored, the lock is returned rather than left blocked for a lease.
    /// </summary>
    /// <param name="name">The lock's name, used as its key: a valid NATS KV key (letters, digits, <c>- _ / =</c>, and <c>.</c> between tokens).</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <returns>The handle of the held lock (dispose it to release), or null when someone else holds it.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid KV key.</exception>
    /// <exception cref="InvalidOperationException">The bucket has no max age (or one under a second or over 30 days).</exception>
    /// <exception cref="NatsException">The server could not be reached or refused a request (also after checking the key).</exception>
    /// <exception cref="TimeoutException">The server did not answer, and the key could not tell whether the lock is ours.</exception>
    public async Task<NatsKvLockHandle?> TryAcquireAsync(string name, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        var lease = await ReadLeaseAsync(cancellationToken).ConfigureAwait(false);
        var attempt = await AttemptAsync(name, LockOwner.NewValue(), lease, 0, cancellationToken).ConfigureAwait(false);
        switch (attempt.Kind)
        {
            case AttemptKind.Acquired:
                return attempt.Handle;
            case AttemptKind.Failed:
                if (attempt.Error is null)
                {
                    throw new TimeoutException($"Lock '{name}' in NATS KV bucket '{_keys.Bucket}': the server did not answer.");
                }

                ExceptionDispatchInfo.Capture(attempt.Error).Throw();
                return null;
            default:
                Log.LockBusy(_logger, name, _keys.Bucket, attempt.SeenRevision);
                return null;
        }
    }

    /// <summary>
    /// Acquires the lock <paramref name="name"/>, waiting up to <paramref name="wait"/> for its holder to release
    /// it or for the holder's lease to run out. While waiting it watches the key (and sets one timer for the
    /// holder's lease) instead of polling; failures reaching the server are retried until the wait is over.
    /// </summary>
    /// <param name="name">The lock's name, used as its key: a valid NATS KV key (letters, digits, <c>- _ / =</c>, and <c>.</c> between tokens).</param>
    /// <param name="wait">How long to wait; <see cref="TimeSpan.Zero"/> tries once, <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The handle of the held lock; dispose it to release the lock.</returns>
    /// <exception cref="TimeoutException">The lock was not acquired within <paramref name="wait"/> (the inner exception is the last failure to reach the server, if any).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid KV key.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="wait"/> is negative (other than infinite).</exception>
    /// <exception cref="InvalidOperationException">The bucket has no max age (or one under a second or over 30 days).</exception>
    /// <exception cref="NatsException">The bucket's settings could not be read when starting.</exception>
    public async Task<NatsKvLockHandle> AcquireAsync(string name, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ValidateName(name);
        if (wait < TimeSpan.Zero && wait != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(wait), wait, "The wait must be zero or more, or Timeout.InfiniteTimeSpan.");
        }

        var started = _time.GetTimestamp();
        var lease = await ReadLeaseAsync(cancellationToken).ConfigureAwait(false);
        var value = LockOwner.NewValue();
        var attempt = await AttemptAsync(name, value, lease, 0, cancellationToken).ConfigureAwait(false);
        if (attempt.Handle is { } acquired)
        {
            return acquired;
        }

        if (wait == TimeSpan.Zero)
        {
            throw TimedOut(name, wait, attempt.Error);
        }

        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var events = Channel.CreateUnbounded<KeyEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var watch = WatchAsync(name, attempt.SeenRevision + 1, events.Writer, lease, stopWatching.Token);
        try
        {
            return await WaitAsync(name, value, lease, attempt, events.Reader, started, wait, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stopWatching.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
        }
    }

    private TimeoutException TimedOut(string name, TimeSpan wait, Exception? lastError)
    {
        Log.AcquireTimedOut(_logger, name, _keys.Bucket, (long)wait.TotalMilliseconds);
        return new TimeoutException(
            $"Lock '{name}' in NATS KV bucket '{_keys.Bucket}' was not acquired within {wait.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms" +
            (lastError is null ? ": another owner held it." : ": the last attempt failed."),
            lastError);
    }

    private static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!NatsKVStore.IsValidKey(name).Success)
        {
            throw new ArgumentException(
                $"'{name}' is not a valid lock name: a lock's name is its NATS KV key (letters, digits, - _ / = and . between tokens).", nameof(name));
        }
    }

    private async Task<NatsKvLockHandle> WaitAsync(
        string name, byte[] value, LockLease lease, Attempt attempt, ChannelReader<KeyEvent> events, long started, TimeSpan wait, CancellationToken cancellationToken)
    {
        var seen = attempt.SeenRevision;
        var held = attempt.Kind == AttemptKind.Held ? attempt : default(Attempt?);
        var lastError = attempt.Error;
        var logWait = true; // after each attempt that found the lock held, not on every renewal seen
        while (true)
        {
            // Wake for a change of the key, or when the holder's lease can have ended (2.9 watchers do not see
            // expiry), or to retry after a failure or a contended attempt.
            var recheck = held is { } h ? lease.Duration - _clock.MinimumAgeOf(h.Created) : lease.RetryDelay;
            if (recheck > MaxSleep)
            {
                recheck = MaxSleep;
            }

            if (logWait && held is { } shown)
            {
                logWait = false;
                Log.WaitingForLock(_logger, name, _keys.Bucket, shown.SeenRevision, (long)recheck.TotalMilliseconds);
            }

            var remaining = wait == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : wait - _time.GetElapsedTime(started);
            if (remaining != Timeout.InfiniteTimeSpan && remaining <= TimeSpan.Zero)
            {
                throw TimedOut(name, wait, lastError);
            }

            var sleep = remaining == Timeout.InfiniteTimeSpan || recheck < remaining ? recheck : remaining;
            var deleted = default(ulong?);
            var retry = false;
            using (var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timer.CancelAfter(sleep > TimeSpan.Zero ? sleep : TimeSpan.Zero);
                try
                {
                    if (await events.WaitToReadAsync(timer.Token).ConfigureAwait(false))
                    {
                        while (events.TryRead(out var e))
                        {
                            if (e.WatchFailed)
                            {
                                retry = true;
                                continue;
                            }

                            _clock.Observe(e.Created, e.ReceivedAt);
                            if (e.Revision <= seen)
                            {
                                continue;
                            }

                            seen = e.Revision;
                            if (e.Operation == NatsKVOperation.Put)
                            {
                                // A renewal or a new holder: keep waiting, for its lease now.
                                held = new Attempt(AttemptKind.Held, null, e.Revision, e.Created, null);
                                deleted = null;
                            }
                            else
                            {
                                held = null;
                                deleted = e.Revision;
                            }
                        }
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    retry = true; // the lease timer (or the wait) ran out
                }
            }

            if (deleted is null && !retry)
            {
                continue;
            }

            if (remaining != Timeout.InfiniteTimeSpan && _time.GetElapsedTime(started) >= wait && deleted is null)
            {
                continue; // the wait is over: report the timeout above
            }

            attempt = await AttemptAsync(name, value, lease, deleted ?? 0, cancellationToken).ConfigureAwait(false);
            switch (attempt.Kind)
            {
                case AttemptKind.Acquired:
                    return attempt.Handle!;
                case AttemptKind.Held:
                    held = attempt;
                    logWait = true;
                    break;
                case AttemptKind.Failed:
                    lastError = attempt.Error ?? lastError;
                    held = null;
                    Log.AcquireAttemptFailed(_logger, attempt.Error, name, _keys.Bucket, (long)lease.RetryDelay.TotalMilliseconds);
                    break;
                default:
                    held = null;
                    break;
            }

            seen = Math.Max(seen, attempt.SeenRevision);
        }
    }

    /// <summary>
    /// One attempt: write our value at <paramref name="expected"/> (0: the key has no message), and on a conflict
    /// read the key to find out why: deleted or gone (write again at its revision), ours after a lost reply
    /// (confirm it), expired by the server's clock (take it over at its revision), or held (give up for now).
    /// A write that got no answer (or an error) may still have been stored: the key is read then too, and the lock
    /// taken if the entry is ours, rather than left blocked for a lease by a failure reported to the caller.
    /// </summary>
    private async Task<Attempt> AttemptAsync(string name, byte[] value, LockLease lease, ulong expected, CancellationToken cancellationToken)
    {
        ulong seen = 0;
        ulong staleRevision = 0;
        var staleAge = TimeSpan.Zero;
        Exception? unanswered = null; // the failure of a write that may have been stored
        var unansweredWrites = 0;
        for (var round = 0; round < MaxRounds; round++)
        {
            var sentAt = _time.GetTimestamp();
            var write = await _keys.WriteAsync(name, value, expected, lease.MessageTtl, cancellationToken).ConfigureAwait(false);
            if (write.Outcome == LockKeyStore.Outcome.Done)
            {
                if (staleRevision != 0 && expected == staleRevision)
                {
                    Log.LockTakenOver(_logger, name, _keys.Bucket, write.Revision, staleRevision, (long)staleAge.TotalMilliseconds);
                }
                else
                {
                    Log.LockAcquired(_logger, name, _keys.Bucket, write.Revision, (long)lease.Duration.TotalMilliseconds);
                }

                return Acquired(name, value, lease, write.Revision, write.Revision, sentAt);
            }

            if (write.Outcome == LockKeyStore.Outcome.Failed)
            {
                if (!Unanswered(name, write.Error, ref unanswered, ref unansweredWrites))
                {
                    return new Attempt(AttemptKind.Failed, null, seen, default, write.Error);
                }
            }

            var read = await _keys.ReadAsync(name, _time, cancellationToken).ConfigureAwait(false);
            seen = Math.Max(seen, read.Revision);
            switch (read.Kind)
            {
                case LockKeyStore.ReadKind.Failed:
                    return new Attempt(AttemptKind.Failed, null, seen, default, unanswered ?? read.Error);

                case LockKeyStore.ReadKind.Missing:
                    expected = 0;
                    continue;

                case LockKeyStore.ReadKind.Deleted:
                    expected = read.Revision;
                    continue;
            }

            _clock.Observe(read.Created, read.ReceivedAt);
            if (read.Value.AsSpan().SequenceEqual(value))
            {
                // An earlier write of this acquisition was stored though its reply was lost. Renew it now, so the
                // lease is counted from a write whose sending time we know.
                var confirmSentAt = _time.GetTimestamp();
                var confirm = await _keys.WriteAsync(name, value, read.Revision, lease.MessageTtl, cancellationToken).ConfigureAwait(false);
                if (confirm.Outcome == LockKeyStore.Outcome.Done)
                {
                    Log.LostReplyAdopted(_logger, name, _keys.Bucket, read.Revision);
                    return Acquired(name, value, lease, read.Revision, confirm.Revision, confirmSentAt);
                }

                if (confirm.Outcome == LockKeyStore.Outcome.Failed && !Unanswered(name, confirm.Error, ref unanswered, ref unansweredWrites))
                {
                    return new Attempt(AttemptKind.Failed, null, seen, default, confirm.Error);
                }

                expected = read.Revision; // changed meanwhile, or stored without an answer: the next round finds out
                continue;
            }

            var age = _clock.MinimumAgeOf(read.Created);
            if (age >= lease.Duration)
            {
                // The holder stopped renewing a lease ago by the server's clock; the server may not have removed
                // the entry yet. Take it over only at its revision, so only one acquirer can.
                expected = staleRevision = read.Revision;
                staleAge = age;
                continue;
            }

            return new Attempt(AttemptKind.Held, null, seen, read.Created, null);
        }

        return new Attempt(AttemptKind.Contended, null, seen, default, null);
    }

    /// <summary>
    /// Notes a write that got no answer (or an error): it may have been stored, so the attempt reads the key next.
    /// False after two such writes: the server is not answering, and the failure goes to the caller.
    /// </summary>
    private bool Unanswered(string name, Exception? error, ref Exception? unanswered, ref int unansweredWrites)
    {
        if (++unansweredWrites > 2)
        {
            return false;
        }

        unanswered = error ?? new TimeoutException("The server did not answer.");
        Log.AcquireWriteUnanswered(_logger, error, name, _keys.Bucket);
        return true;
    }

    private Attempt Acquired(string name, byte[] value, LockLease lease, ulong fencingToken, ulong revision, long sentAt) =>
        new(AttemptKind.Acquired, NatsKvLockHandle.Start(name, _keys, lease, ReadLeaseAsync, value, fencingToken, revision, sentAt, _logger, _time), revision, default, null);

    private async Task<LockLease> ReadLeaseAsync(CancellationToken cancellationToken)
    {
        var lease = await LockLease.ReadAsync(_keys.Store, _clock, _time, cancellationToken).ConfigureAwait(false);
        if (lease.MessageTtl is { } ttl && Interlocked.Exchange(ref _ttlLogged, 1) == 0)
        {
            Log.UsingMessageTtl(_logger, _keys.Bucket, (long)ttl.TotalSeconds, _keys.Store.JetStreamContext.Connection.ServerInfo?.Version);
        }

        return lease;
    }

    /// <summary>Watches the key from <paramref name="fromRevision"/> on, restarting after failures, until cancelled.</summary>
    private async Task WatchAsync(string name, ulong fromRevision, ChannelWriter<KeyEvent> events, LockLease lease, CancellationToken cancellationToken)
    {
        var next = fromRevision;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var opts = new NatsKVWatchOpts { ResumeAtRevision = next, MetaOnly = true };
                await foreach (var entry in _keys.Store.WatchAsync(name, NatsRawSerializer<byte[]>.Default, opts, cancellationToken).ConfigureAwait(false))
                {
                    failures = 0;
                    next = entry.Revision + 1;
                    events.TryWrite(new KeyEvent(entry.Revision, entry.Operation, entry.Created, _time.GetTimestamp(), false));
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                throw new NatsKVException("The watch ended.");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                // One doubling ahead: the first retry already waits twice the lease's retry delay.
                var delay = Backoff.Exponential(failures + 1, lease.RetryDelay, lease.RenewInterval);
                Log.LockWatchFailed(_logger, e, name, _keys.Bucket, (long)delay.TotalMilliseconds);
                events.TryWrite(new KeyEvent(0, default, default, 0, true));
                try
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private enum AttemptKind
    {
        Acquired,
        Held,
        Contended,
        Failed,
    }

    /// <summary>What an attempt found: the handle, or the live entry's revision and creation time, or the failure.</summary>
    private readonly record struct Attempt(AttemptKind Kind, NatsKvLockHandle? Handle, ulong SeenRevision, DateTimeOffset Created, Exception? Error);

    /// <summary>A change of the key seen by the watch, or (<see cref="WatchFailed"/>) a failure of the watch.</summary>
    private readonly record struct KeyEvent(ulong Revision, NatsKVOperation Operation, DateTimeOffset Created, long ReceivedAt, bool WatchFailed);
}
