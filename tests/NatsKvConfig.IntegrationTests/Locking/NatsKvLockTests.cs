using System.Collections.Concurrent;
using System.Diagnostics;
using NATS.Client.KeyValueStore;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Locking;

public class NatsKvLockTests
{
    private const string Job = "jobs.nightly";

    [Fact]
    public async Task Eight_contenders_acquiring_fifty_times_each_never_hold_the_lock_together_and_get_strictly_increasing_fencing_tokens()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await LockBucket.CreateAsync(server.Url, TimeSpan.FromSeconds(2), history: 1);
        const int contenders = 8;
        const int acquisitions = 50;
        var locks = await Task.WhenAll(Enumerable.Range(0, contenders).Select(i => bucket.NewLockAsync($"contender-{i}")));

        var inside = 0;
        var overlaps = 0;
        var lost = 0;
        var tokens = new List<ulong>(); // in the order the critical section was entered
        await Task.WhenAll(locks.Select(contender => Task.Run(async () =>
        {
            for (var i = 0; i < acquisitions; i++)
            {
                await using var handle = await contender.AcquireAsync(Job, TimeSpan.FromSeconds(60));
                if (Interlocked.Increment(ref inside) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                lock (tokens)
                {
                    tokens.Add(handle.FencingToken);
                }

                await Task.Delay(Random.Shared.Next(0, 3)); // the protected work, during which others try
                if (handle.LockLost.IsCancellationRequested)
                {
                    Interlocked.Increment(ref lost);
                }

                Interlocked.Decrement(ref inside);
            }
        })));

        Assert.Equal(0, overlaps);
        Assert.Equal(contenders * acquisitions, tokens.Count);
        for (var i = 1; i < tokens.Count; i++)
        {
            Assert.True(tokens[i] > tokens[i - 1], $"Fencing token #{i} ({tokens[i]}) is not above the one before it ({tokens[i - 1]}).");
        }

        Assert.Equal(0, lost);
        Assert.False(bucket.Logs.Has(10002), "nobody's lease expired, so nobody took a lock over");
    }

    [Fact]
    public async Task A_holder_keeps_its_lock_for_several_leases_by_renewing_it()
    {
        var server = await SharedNatsServer.GetAsync();
        // Three seconds, not one or two: a loaded two-core CI machine has stalled a renewal past a two-second lease's
        // margin (one failed renewal, then the lease too near its end to wait for the next).
        var lease = TimeSpan.FromSeconds(3);
        await using var bucket = await LockBucket.CreateAsync(server.Url, lease);
        var holderLock = await bucket.NewLockAsync("holder");
        await using var holder = await holderLock.TryAcquireAsync(Job);
        Assert.NotNull(holder);
        var held = Stopwatch.StartNew();

        // Renewed every third of the lease: nine renewals take three leases.
        await Eventually.TrueAsync(
            () => holder.Revision >= holder.FencingToken + 9,
            () => $"the holder has renewed nine times (revision {holder.Revision}, token {holder.FencingToken}, lost: {holder.LockLost.IsCancellationRequested}, lock events: {string.Join(", ", bucket.Logs.Entries.Select(e => e.EventId).Distinct())})",
            TimeSpan.FromSeconds(30));
        Assert.True(held.Elapsed > lease * 2, $"Nine renewals took {held.Elapsed.TotalMilliseconds:0} ms; renewing that often is too eager.");

        var other = await bucket.NewLockAsync("other");
        Assert.Null(await other.TryAcquireAsync(Job));
        Assert.False(holder.LockLost.IsCancellationRequested);
        Assert.Equal(holder.Revision, (await bucket.Store.GetEntryAsync<byte[]>(Job)).Revision);
    }

    [Fact]
    public async Task A_holder_that_dies_frees_the_lock_for_a_waiting_acquirer_within_the_lease_plus_one_second()
    {
        var server = await SharedNatsServer.GetAsync();
        var lease = TimeSpan.FromSeconds(2);
        await using var bucket = await LockBucket.CreateAsync(server.Url, lease);
        var (holder, dieAsync) = await bucket.HolderAsync(Job);

        var waiter = await bucket.NewLockAsync("waiter");
        var waiting = waiter.AcquireAsync(Job, TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => bucket.Logs.Has(10004), "the waiter is waiting for the holder");

        await dieAsync();
        var died = Stopwatch.StartNew();

        await using var next = await waiting;
        var freedAfter = died.Elapsed;
        Assert.True(freedAfter <= lease + TimeSpan.FromSeconds(1), $"The lock was free again {freedAfter.TotalMilliseconds:0} ms after its holder died (lease {lease.TotalMilliseconds} ms).");
        // The last renewal was at most a third of the lease before the death: the lease ran at least two thirds more.
        Assert.True(freedAfter >= lease * 2 / 3 - TimeSpan.FromMilliseconds(100), $"The lock was taken {freedAfter.TotalMilliseconds:0} ms after its holder died, before its lease can have ended.");
        Assert.True(next.FencingToken > holder.FencingToken);
        Assert.DoesNotContain(await bucket.HistoryAsync(Job), e => e.Operation != NatsKVOperation.Put); // nobody released: the lease ran out
        await holder.DisposeAsync(); // abandoned: releases nothing
        Assert.False(next.LockLost.IsCancellationRequested);
        Assert.Equal(next.Revision, (await bucket.Store.GetEntryAsync<byte[]>(Job)).Revision);
    }

    [Fact]
    public async Task After_a_holder_dies_TryAcquire_fails_until_its_lease_has_run_out_and_then_succeeds()
    {
        var server = await SharedNatsServer.GetAsync();
        var lease = TimeSpan.FromSeconds(2);
        await using var bucket = await LockBucket.CreateAsync(server.Url, lease);
        var (holder, dieAsync) = await bucket.HolderAsync(Job);
        await dieAsync();
        var died = Stopwatch.StartNew();

        var other = await bucket.NewLockAsync("other");
        Assert.Null(await other.TryAcquireAsync(Job));
        NatsKvLockHandle? taken = null;
        await Eventually.TrueAsync(async () => (taken ??= await other.TryAcquireAsync(Job)) is not null, "the lock is free once the dead holder's lease ran out", lease + TimeSpan.FromSeconds(1));
        await using var handle = taken!;
        Assert.True(died.Elapsed <= lease + TimeSpan.FromSeconds(1.5), $"Acquired {died.Elapsed.TotalMilliseconds:0} ms after the holder died.");
        Assert.True(handle.FencingToken > holder.FencingToken);
    }

    [Fact]
    public async Task An_entry_older_than_the_lease_by_the_servers_clock_is_taken_over_at_its_revision_by_exactly_one_of_two_acquirers()
    {
        var server = await SharedNatsServer.GetAsync();
        var lease = TimeSpan.FromSeconds(3); // long enough that the server does not expire the entry during the test
        await using var bucket = await LockBucket.CreateAsync(server.Url, lease);
        var holder = await (await bucket.NewLockAsync("holder")).TryAcquireAsync(Job);
        Assert.NotNull(holder);
        holder.Abandon(); // stops renewing, never releases

        // Two acquirers see the entry, then their monotonic clocks jump a lease ahead: for them it is now
        // older than the lease, while the server still has it.
        var time = new JumpingTime();
        var (_, storeB) = await bucket.ConnectAsync("b");
        var (_, storeC) = await bucket.ConnectAsync("c");
        var b = new NatsKvLock(storeB, bucket.Logs.CreateFactory().CreateLogger(typeof(NatsKvLock).FullName!), time);
        var c = new NatsKvLock(storeC, bucket.Logs.CreateFactory().CreateLogger(typeof(NatsKvLock).FullName!), time);
        Assert.Null(await b.TryAcquireAsync(Job));
        Assert.Null(await c.TryAcquireAsync(Job));
        time.Jump(lease);

        var results = await Task.WhenAll(b.TryAcquireAsync(Job), c.TryAcquireAsync(Job));

        // Exactly one takes over at the stale revision. The other may still win afterwards, taking over the
        // winner's fresh entry at its revision: its clock, a lease ahead of the server's, sees every entry as a
        // lease old. That is the jump's doing, and still one holder at a time.
        var winners = results.OfType<NatsKvLockHandle>().OrderBy(h => h.FencingToken).ToList();
        var winner = Assert.IsType<NatsKvLockHandle>(winners.FirstOrDefault());
        await using var lastWinner = winners[^1];
        await using var earlierWinner = winners.Count > 1 ? winners[0] : null;
        var takeovers = bucket.Logs.Ours.Where(e => e.EventId == 10002).Select(e => e.Message).ToList();
        Assert.Single(takeovers, m => m.Contains($"(revision {holder.Revision})", StringComparison.Ordinal));
        Assert.Equal(winners.Count, takeovers.Count);
        Assert.True(winner.FencingToken > holder.Revision);
        if (winners.Count == 2)
        {
            Assert.Contains(takeovers, m => m.Contains($"(revision {winner.FencingToken})", StringComparison.Ordinal));
        }

        // It was a compare-and-swap on the stale entry, not a create after the server expired it.
        var history = await bucket.HistoryAsync(Job);
        Assert.Contains(history, e => e.Revision == holder.Revision);
        Assert.DoesNotContain(history, e => e.Operation != NatsKVOperation.Put);
        Assert.Equal(winner.FencingToken, history.Single(e => e.Revision > holder.Revision && e.Revision <= winner.FencingToken).Revision);
    }

    [Fact]
    public async Task When_the_server_stops_LockLost_fires_before_the_lease_ends_and_releasing_gives_up_in_bounded_time()
    {
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true, ServerName = "lock-lost" });

        // Three seconds, not two: on a loaded two-core CI machine a renewal of a two-second lease once came too late
        // to keep it (the lock lost before the server was stopped). Releasing still gives up within the lease.
        var lease = TimeSpan.FromSeconds(3);
        await using var bucket = await LockBucket.CreateAsync(server.Url, lease);
        var holderLock = await bucket.NewLockAsync("holder");
        var handle = await holderLock.TryAcquireAsync(Job);
        Assert.NotNull(handle);

        var clock = Stopwatch.StartNew();
        var lostAtTicks = long.MaxValue;
        using var registration = handle.LockLost.Register(() => Interlocked.Exchange(ref lostAtTicks, clock.Elapsed.Ticks));

        // An observer sees every write of the key as the server stamps it.
        var writes = new ConcurrentQueue<TimeSpan>();
        using var stopObserving = new CancellationTokenSource();
        var observer = Task.Run(async () =>
        {
            try
            {
                await foreach (var _ in bucket.Store.WatchAsync<byte[]>(Job, cancellationToken: stopObserving.Token))
                {
                    writes.Enqueue(clock.Elapsed);
                }
            }
            catch (Exception)
            {
                // The server goes away.
            }
        });
        await Eventually.TrueAsync(() => writes.Count >= 3, "the observer sees the acquisition and two renewals");
        var count = writes.Count;
        await Eventually.TrueAsync(
            () => writes.Count > count,
            () => $"another renewal is seen (the lock lost meanwhile: {handle.LockLost.IsCancellationRequested}; writes seen at {string.Join(", ", writes.Select(w => $"{w.TotalMilliseconds:0} ms"))})"); // kill right after it
        var lastRenewal = writes.Last();
        Assert.False(handle.LockLost.IsCancellationRequested);

        await server.KillAsync();
        // IsCancellationRequested turns true before the registered callbacks run: wait for the callback's time.
        await Eventually.TrueAsync(() => Interlocked.Read(ref lostAtTicks) != long.MaxValue, "LockLost fires", lease * 2);
        var lostAt = TimeSpan.FromTicks(Interlocked.Read(ref lostAtTicks));
        Assert.True(lostAt < lastRenewal + lease - TimeSpan.FromMilliseconds(50), $"LockLost fired {(lostAt - lastRenewal).TotalMilliseconds:0} ms after the last renewal the server stored; the lease is {lease.TotalMilliseconds} ms.");
        Assert.True(bucket.Logs.Has(10009), "the loss is logged as a lease that could not be renewed");

        var disposing = Stopwatch.StartNew();
        await handle.DisposeAsync();
        Assert.True(disposing.Elapsed < TimeSpan.FromSeconds(4), $"Releasing with the server down took {disposing.Elapsed.TotalMilliseconds:0} ms.");
        Assert.True(bucket.Logs.Has(10008), "the failed release is logged");
        await stopObserving.CancelAsync();
        await observer;
    }

    [Fact]
    public async Task Releasing_a_lock_that_expired_and_was_taken_over_leaves_the_new_holders_lock_alone()
    {
        var server = await SharedNatsServer.GetAsync();
        var lease = TimeSpan.FromSeconds(2); // not 1: the second holder must keep its lock on a loaded machine
        await using var bucket = await LockBucket.CreateAsync(server.Url, lease);
        var clock = Stopwatch.StartNew();
        var first = await (await bucket.NewLockAsync("first")).TryAcquireAsync(Job);
        Assert.NotNull(first);
        var lostAtTicks = long.MaxValue;
        using var registration = first.LockLost.Register(() => Interlocked.Exchange(ref lostAtTicks, clock.Elapsed.Ticks));

        // The first holder stalls (a long pause, a partition): it stops renewing but is still alive.
        first.PauseRenewal();
        var secondLock = await bucket.NewLockAsync("second");
        NatsKvLockHandle? taken = null;
        await Eventually.TrueAsync(async () => (taken ??= await secondLock.TryAcquireAsync(Job)) is not null, "a second owner takes the lock once the first one's lease ran out", lease + TimeSpan.FromSeconds(2));
        var second = taken!;
        var takenAt = clock.Elapsed;
        Assert.True(first.LockLost.IsCancellationRequested, "the stalled holder was told it lost the lock");
        await Eventually.TrueAsync(() => Interlocked.Read(ref lostAtTicks) != long.MaxValue, "LockLost's callback has run (it runs just after the token turns)");
        Assert.True(TimeSpan.FromTicks(Interlocked.Read(ref lostAtTicks)) < takenAt, "LockLost fired before anyone else could take the lock");
        Assert.True(second.FencingToken > first.FencingToken);

        // The first holder wakes up and releases: that must not delete the second owner's lock.
        await first.DisposeAsync();
        Assert.True(bucket.Logs.Has(10007), "the stale release is logged as skipped");
        var entry = await bucket.Store.GetEntryAsync<byte[]>(Job); // throws if the key was deleted
        Assert.True(entry.Revision >= second.FencingToken);
        Assert.DoesNotContain(await bucket.HistoryAsync(Job), e => e.Revision > second.FencingToken && e.Operation != NatsKVOperation.Put);
        Assert.Null(await (await bucket.NewLockAsync("third")).TryAcquireAsync(Job));
        Assert.False(second.LockLost.IsCancellationRequested);

        // The second owner's own release does delete it.
        await second.DisposeAsync();
        Assert.True(bucket.Logs.Has(10006));
        await Assert.ThrowsAsync<NatsKVKeyDeletedException>(async () => await bucket.Store.GetEntryAsync<byte[]>(Job));
    }

    [Fact]
    public async Task A_bucket_without_max_age_is_refused_with_a_clear_error()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url); // no max age
        var locks = new NatsKvLock(bucket.Store);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => locks.TryAcquireAsync(Job));
        Assert.Contains(bucket.Name, error.Message, StringComparison.Ordinal);
        Assert.Contains("no max age", error.Message, StringComparison.Ordinal);
        Assert.Contains("never expire", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => locks.AcquireAsync(Job, TimeSpan.FromSeconds(1)));
        Assert.Empty(await bucket.ReadAllAsync()); // nothing was written
    }

    [Fact]
    public async Task AcquireAsync_gives_up_with_a_TimeoutException_when_the_lock_stays_held()
    {
        var server = await SharedNatsServer.GetAsync();
        var lease = TimeSpan.FromSeconds(3);
        await using var bucket = await LockBucket.CreateAsync(server.Url, lease);
        await using var holder = await (await bucket.NewLockAsync("holder")).TryAcquireAsync(Job);
        Assert.NotNull(holder);
        var waiter = await bucket.NewLockAsync("waiter");

        var waited = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<TimeoutException>(() => waiter.AcquireAsync(Job, TimeSpan.FromMilliseconds(700)));
        Assert.InRange(waited.Elapsed, TimeSpan.FromMilliseconds(700), TimeSpan.FromMilliseconds(2000));
        Assert.Contains(Job, error.Message, StringComparison.Ordinal);
        Assert.True(bucket.Logs.Has(10005));
        await Assert.ThrowsAsync<TimeoutException>(() => waiter.AcquireAsync(Job, TimeSpan.Zero));
        Assert.False(holder.LockLost.IsCancellationRequested);
    }

    [Fact]
    public async Task A_waiting_acquirer_wakes_on_release_through_its_watch_without_polling()
    {
        var server = await SharedNatsServer.GetAsync();
        var lease = TimeSpan.FromSeconds(3);
        await using var bucket = await LockBucket.CreateAsync(server.Url, lease);
        var holder = await (await bucket.NewLockAsync("holder")).TryAcquireAsync(Job);
        Assert.NotNull(holder);
        var (_, waiterStore) = await bucket.ConnectAsync("waiter");
        var counting = new CountingKvStore(waiterStore);
        var waiter = bucket.NewLock(counting);

        var waiting = waiter.AcquireAsync(Job, TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => bucket.Logs.Has(10004), "the waiter is waiting");
        var requestsBeforeWaiting = counting.Requests;

        // Two renewals (a second apart) reach the waiter through its watch; it asks the server nothing.
        var revision = holder.Revision;
        await Eventually.TrueAsync(() => holder.Revision >= revision + 2, "the holder renews twice");
        Assert.False(waiting.IsCompleted);
        Assert.Equal(requestsBeforeWaiting, counting.Requests);

        var released = Stopwatch.StartNew();
        await holder.DisposeAsync();
        await using var handle = await waiting;
        // The waiter's lease timer would fire no earlier than two seconds from now (the lease after the last renewal).
        Assert.True(released.Elapsed < TimeSpan.FromSeconds(1), $"The waiter acquired the lock {released.Elapsed.TotalMilliseconds:0} ms after it was released.");
        Assert.Equal(1, counting.Watches);
        Assert.InRange(counting.Requests - requestsBeforeWaiting, 1, 2); // one write at the delete marker's revision (two if contended)
        Assert.True(handle.FencingToken > holder.FencingToken);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("wild.*")]
    [InlineData("wild.>")]
    [InlineData(".leading")]
    public async Task A_name_that_is_not_a_valid_key_is_refused(string name)
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await LockBucket.CreateAsync(server.Url, TimeSpan.FromSeconds(1));
        var locks = bucket.NewLock(bucket.Store);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => locks.TryAcquireAsync(name));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => locks.AcquireAsync(name, TimeSpan.FromSeconds(1)));
    }
}
