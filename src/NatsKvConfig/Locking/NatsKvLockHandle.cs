using Microsoft.Extensions.Logging;

namespace NatsKvConfig;

/// <summary>
/// A held <see cref="NatsKvLock"/>: renews its lease in the background until disposed, and tells you through
/// <see cref="LockLost"/> when it could not. Dispose it (<c>await using</c>) to release the lock.
/// </summary>
/// <remarks>
/// <para>
/// The lease is renewed every third of the bucket's max age (read again before each renewal, so a changed max age
/// applies from the next one) by a compare-and-swap write at the lock entry's current revision, so a renewal never
/// overwrites an entry someone else wrote. When a renewal finds the
/// entry changed, or no renewal succeeds in time, <see cref="LockLost"/> is cancelled a sixth of the lease
/// before the lease can end at the earliest (counted from when the last successful renewal was sent, by the
/// local monotonic clock), and renewing stops.
/// </para>
/// <para>
/// Holding the lock is a lease, not a guarantee: a process paused for longer than the lease (a long garbage
/// collection, a suspended VM) may still believe it holds a lock that was taken over. Pass
/// <see cref="FencingToken"/> to the resource you protect and have it reject tokens lower than the highest it
/// has seen; see docs/locks.md.
/// </para>
/// </remarks>
public sealed class NatsKvLockHandle : IAsyncDisposable
{
    private readonly LockKeyStore _keys;
    private readonly Func<CancellationToken, Task<LockLease>> _readLease;

    // The bucket's max age and what follows from it, read again before every renewal: only the renewal loop
    // replaces it; the loss timer reads it.
    private LockLease _lease;
    private readonly byte[] _value;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private readonly ITimer _lossTimer;
    private Task _renewal = Task.CompletedTask;
    private ulong _revision;
    private long _leaseStart;
    private bool _isLost;
    private bool _abandoned;
    private int _disposed;

    private NatsKvLockHandle(string name, LockKeyStore keys, LockLease lease, Func<CancellationToken, Task<LockLease>> readLease, byte[] value, ulong fencingToken, ulong revision, long leaseStart, ILogger logger, TimeProvider time)
    {
        _readLease = readLease;
        Name = name;
        FencingToken = fencingToken;
        LockLost = _lost.Token;
        _keys = keys;
        _lease = lease;
        _value = value;
        _revision = revision;
        _leaseStart = leaseStart;
        _logger = logger;
        _time = time;
        _lossTimer = time.CreateTimer(static state => ((NatsKvLockHandle)state!).OnLossDeadline(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The lock's name: its key in the bucket.</summary>
    public string Name { get; }

    /// <summary>
    /// The KV revision of the write that acquired the lock. Every later acquisition of the same lock gets a
    /// higher token (revisions are the bucket stream's sequence numbers), so a resource that remembers the
    /// highest token it has seen can reject a stale holder. Tokens start again if the bucket is deleted and
    /// recreated.
    /// </summary>
    public ulong FencingToken { get; }

    /// <summary>
    /// Cancelled when the lock is lost: no renewal succeeded in time (the server unreachable, say), or the
    /// lock entry was changed by someone else (deleted, or taken over after its lease expired). It fires before
    /// the lease can end, leaving a sixth of the lease to stop work. Not cancelled by
    /// <see cref="DisposeAsync"/>.
    /// </summary>
    public CancellationToken LockLost { get; }

    /// <summary>
    /// Stops renewing and releases the lock by deleting its entry only at the revision this handle last wrote,
    /// so a lock that expired and was taken over by someone else is left alone. Waits at most five seconds (or
    /// the lease, if shorter) for the server; if it does not answer, the lock ends when its lease runs out.
    /// Never throws; calling it again does nothing.
    /// </summary>
    /// <returns>A task that completes when the lock is released or left to expire.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopRenewingAsync().ConfigureAwait(false);
        await _lossTimer.DisposeAsync().ConfigureAwait(false);
        if (!Volatile.Read(ref _abandoned))
        {
            await ReleaseAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    /// <summary>
    /// Starts holding a lock acquired with <paramref name="fencingToken"/>, whose entry is now at
    /// <paramref name="revision"/>, written by a request sent at local timestamp <paramref name="leaseStart"/>;
    /// <paramref name="readLease"/> reads the bucket's lease again before each renewal.
    /// </summary>
    internal static NatsKvLockHandle Start(string name, LockKeyStore keys, LockLease lease, Func<CancellationToken, Task<LockLease>> readLease, byte[] value, ulong fencingToken, ulong revision, long leaseStart, ILogger logger, TimeProvider time)
    {
        var handle = new NatsKvLockHandle(name, keys, lease, readLease, value, fencingToken, revision, leaseStart, logger, time);
        handle.ScheduleLossDeadline(leaseStart);
        handle._renewal = Task.Run(handle.RenewLoopAsync);
        return handle;
    }

    /// <summary>Test hook: behave as if the process died now (no more renewals, no release, no <see cref="LockLost"/>).</summary>
    internal void Abandon()
    {
        Volatile.Write(ref _abandoned, true);
        _lossTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _stop.Cancel();
    }

    /// <summary>Test hook: stop renewing as a paused or partitioned holder would; <see cref="LockLost"/> and release still work.</summary>
    internal void PauseRenewal() => _stop.Cancel();

    /// <summary>The revision this handle last wrote (the acquisition or the latest renewal).</summary>
    internal ulong Revision
    {
        get
        {
            lock (_gate)
            {
                return _revision;
            }
        }
    }

    private async Task StopRenewingAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewal.ConfigureAwait(false); // never faults: the loop catches everything
    }

    private async Task RenewLoopAsync()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, _lost.Token);
        try
        {
            while (true)
            {
                ulong revision;
                long leaseStart;
                lock (_gate)
                {
                    revision = _revision;
                    leaseStart = _leaseStart;
                }

                var wait = Lease.RenewInterval - _time.GetElapsedTime(leaseStart);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, stop.Token).ConfigureAwait(false);
                }

                if (!await RenewAsync(revision, stop.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed, abandoned or lost.
        }
        catch (Exception e)
        {
            Log.RenewalLoopCrashed(_logger, e, Name, _keys.Bucket);
            MarkLost();
        }
    }

    /// <summary>
    /// Renews once, retrying transient failures until the loss deadline; false when the lock was lost. The bucket's
    /// max age is read first: a holder keeps to the lease the bucket has now, not the one it had at acquisition.
    /// </summary>
    private async Task<bool> RenewAsync(ulong revision, CancellationToken stop)
    {
        if (!await RefreshLeaseAsync(stop).ConfigureAwait(false))
        {
            return false;
        }

        long? firstSent = null;
        while (true)
        {
            stop.ThrowIfCancellationRequested();
            var sentAt = _time.GetTimestamp();
            firstSent ??= sentAt;
            var lease = Lease;
            var remaining = UntilLossDeadline(LeaseStart);
            if (remaining <= TimeSpan.Zero)
            {
                return false; // the loss timer fires (or has fired)
            }

            LockKeyStore.Write write;
            using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop))
            {
                attempt.CancelAfter(remaining);
                try
                {
                    write = await _keys.WriteAsync(Name, _value, revision, lease.MessageTtl, attempt.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    write = new LockKeyStore.Write(LockKeyStore.Outcome.Failed, 0, null); // no answer before the loss deadline
                }

                switch (write.Outcome)
                {
                    case LockKeyStore.Outcome.Done:
                        return Renewed(write.Revision, sentAt);

                    case LockKeyStore.Outcome.Conflict:
                        // Either someone else changed the entry, or one of our earlier attempts was stored and
                        // only its reply was lost: the entry then holds our value at a revision after our last write.
                        LockKeyStore.Read read;
                        try
                        {
                            read = await _keys.ReadAsync(Name, _time, attempt.Token).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                        {
                            return false; // no answer before the loss deadline: the loss timer fires
                        }

                        switch (RenewalConflict.Judge(read, revision, _value))
                        {
                            case RenewalConflict.Verdict.Renewed:
                                Log.LostReplyAdopted(_logger, Name, _keys.Bucket, read.Revision);
                                return Renewed(read.Revision, firstSent.Value);

                            case RenewalConflict.Verdict.Lost:
                                Log.LockLostTaken(_logger, Name, _keys.Bucket, FencingToken, read.Kind == LockKeyStore.ReadKind.Live ? $"revision {read.Revision}, another owner's" : read.Kind.ToString().ToUpperInvariant());
                                MarkLost();
                                return false;
                        }

                        if (read.Kind != LockKeyStore.ReadKind.Failed)
                        {
                            Log.StaleRenewalRead(_logger, Name, _keys.Bucket, read.Revision, revision);
                        }

                        write = write with { Error = read.Error };
                        break;
                }
            }

            Log.RenewalFailed(_logger, write.Error, Name, _keys.Bucket, FencingToken, (long)lease.RetryDelay.TotalMilliseconds);
            await Task.Delay(lease.RetryDelay, _time, stop).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads the bucket's lease and keeps to it from now on. A lease shorter than the time since the last confirmed
    /// renewal (less the loss margin) means the server may have removed the entry already: the lock is lost, and
    /// false is returned. A failed read keeps the lease known so far.
    /// </summary>
    private async Task<bool> RefreshLeaseAsync(CancellationToken stop)
    {
        var known = Lease;
        var remaining = UntilLossDeadline(LeaseStart);
        if (remaining <= TimeSpan.Zero)
        {
            return false; // the loss timer fires (or has fired)
        }

        LockLease current;
        using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop))
        {
            attempt.CancelAfter(remaining);
            try
            {
                current = await _readLease(attempt.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                // Unreachable, or a max age that no lease can come from (removed, say): the write that follows
                // tells whether the lock is still ours, on the lease known so far.
                Log.LeaseRefreshFailed(_logger, e, Name, _keys.Bucket, (long)known.Duration.TotalMilliseconds);
                return true;
            }
        }

        if (current.SameAs(known))
        {
            return true;
        }

        Volatile.Write(ref _lease, current);
        var leaseStart = LeaseStart;
        var sinceRenewal = _time.GetElapsedTime(leaseStart);
        if (current.UntilLossDeadline(sinceRenewal) <= TimeSpan.Zero)
        {
            Log.LockLostLeaseShortened(_logger, Name, _keys.Bucket, FencingToken, (long)current.Duration.TotalMilliseconds, (long)sinceRenewal.TotalMilliseconds);
            MarkLost();
            return false;
        }

        Log.LeaseChanged(_logger, Name, _keys.Bucket, FencingToken, (long)known.Duration.TotalMilliseconds, (long)current.Duration.TotalMilliseconds);
        ScheduleLossDeadline(leaseStart);
        return true;
    }

    /// <summary>The lease this handle keeps to now.</summary>
    private LockLease Lease => Volatile.Read(ref _lease);

    private long LeaseStart
    {
        get
        {
            lock (_gate)
            {
                return _leaseStart;
            }
        }
    }

    /// <summary>Records a stored renewal; false if the lock was declared lost meanwhile (then it stays lost).</summary>
    private bool Renewed(ulong revision, long sentAt)
    {
        lock (_gate)
        {
            if (_isLost)
            {
                return false;
            }

            _revision = revision;
            _leaseStart = sentAt;
        }

        ScheduleLossDeadline(sentAt);
        return true;
    }

    /// <summary>
    /// Time left until <see cref="LockLost"/> must fire for a lease whose write was sent at local timestamp
    /// <paramref name="leaseStart"/>: the server stamped that write no earlier than it was sent, so the lease
    /// cannot end before <paramref name="leaseStart"/> plus the lease; the loss margin comes off that.
    /// </summary>
    private TimeSpan UntilLossDeadline(long leaseStart) => Lease.UntilLossDeadline(_time.GetElapsedTime(leaseStart));

    private void ScheduleLossDeadline(long leaseStart)
    {
        if (Volatile.Read(ref _abandoned))
        {
            return;
        }

        var due = UntilLossDeadline(leaseStart);
        try
        {
            _lossTimer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile.
        }
    }

    private void OnLossDeadline()
    {
        long leaseStart;
        lock (_gate)
        {
            if (_isLost)
            {
                return;
            }

            leaseStart = _leaseStart;
        }

        if (UntilLossDeadline(leaseStart) > TimeSpan.Zero)
        {
            ScheduleLossDeadline(leaseStart); // a renewal moved the deadline after this timer was due
            return;
        }

        var lease = Lease;
        Log.LockLostNotRenewed(_logger, Name, _keys.Bucket, FencingToken, (long)lease.Duration.TotalMilliseconds, (long)lease.LossMargin.TotalMilliseconds);
        MarkLost();
    }

    private void MarkLost()
    {
        lock (_gate)
        {
            if (_isLost)
            {
                return;
            }

            _isLost = true;
        }

        try
        {
            _lost.Cancel();
        }
        catch (AggregateException e)
        {
            Log.LockLostCallbackFailed(_logger, e, Name, _keys.Bucket);
        }
    }

    private async Task ReleaseAsync()
    {
        var lease = Lease;
        using var timeout = new CancellationTokenSource(lease.ReleaseTimeout, _time);
        var revision = Revision;
        try
        {
            // A second round covers a renewal that was stored although its reply was lost.
            for (var round = 0; round < 3; round++)
            {
                var delete = await _keys.DeleteAsync(Name, revision, timeout.Token).ConfigureAwait(false);
                if (delete.Outcome == LockKeyStore.Outcome.Done)
                {
                    Log.LockReleased(_logger, Name, _keys.Bucket, FencingToken, revision);
                    return;
                }

                if (delete.Outcome == LockKeyStore.Outcome.Failed)
                {
                    Log.ReleaseFailed(_logger, delete.Error, Name, _keys.Bucket, FencingToken, (long)lease.Duration.TotalMilliseconds);
                    return;
                }

                var read = await _keys.ReadAsync(Name, _time, timeout.Token).ConfigureAwait(false);
                if (read.Kind == LockKeyStore.ReadKind.Failed)
                {
                    Log.ReleaseFailed(_logger, read.Error, Name, _keys.Bucket, FencingToken, (long)lease.Duration.TotalMilliseconds);
                    return;
                }

                if (read.Kind != LockKeyStore.ReadKind.Live || !read.Value.AsSpan().SequenceEqual(_value))
                {
                    Log.ReleaseSkipped(_logger, Name, _keys.Bucket, FencingToken);
                    return;
                }

                revision = read.Revision;
            }

            Log.ReleaseFailed(_logger, null, Name, _keys.Bucket, FencingToken, (long)lease.Duration.TotalMilliseconds);
        }
        catch (OperationCanceledException)
        {
            Log.ReleaseFailed(_logger, null, Name, _keys.Bucket, FencingToken, (long)lease.Duration.TotalMilliseconds);
        }
    }
}
