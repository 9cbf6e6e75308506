using System.Text;
using NATS.Client.Core;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Locking;

/// <summary>
/// A lost reply, a lagging replica's stale read and a max age changed under a holder, against a real server. The
/// lost reply and the stale read are made by <see cref="CountingKvStore"/> over the real store: the write is stored
/// and only its answer replaced; the read returns the key's real, older entry.
/// </summary>
public sealed class LockHardeningTests
{
    private const string Job = "jobs.hourly";

    private static NatsResult<ulong> LostReply(NatsResult<ulong> stored)
    {
        Assert.True(stored.Success, "the write was stored before its reply was lost");
        return new NatsResult<ulong>(new TimeoutException("the reply was lost"));
    }

    [Fact]
    public async Task TryAcquire_whose_reply_is_lost_after_the_write_was_stored_returns_the_lock_instead_of_throwing()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await LockBucket.CreateAsync(server.Url, TimeSpan.FromSeconds(3));
        var (_, store) = await bucket.ConnectAsync("holder");
        var counting = new CountingKvStore(store);
        var lost = 0;
        counting.AfterUpdate = result => Interlocked.Increment(ref lost) == 1 ? LostReply(result) : result;
        var locks = bucket.NewLock(counting);

        await using var handle = await locks.TryAcquireAsync(Job);

        Assert.NotNull(handle);
        Assert.True(Volatile.Read(ref lost) >= 2, "the first write's reply was lost, and the entry was confirmed by a second");
        var history = await bucket.HistoryAsync(Job);
        Assert.Equal(history[0].Revision, handle.FencingToken); // the write whose reply was lost acquired it
        Assert.Equal(handle.Revision, history[^1].Revision);
        Assert.True(bucket.Logs.Has(10012), "the stored write was recognised");
        Assert.Null(await (await bucket.NewLockAsync("other")).TryAcquireAsync(Job));
    }

    [Fact]
    public async Task TryAcquire_still_returns_null_when_the_lock_is_held_and_its_write_got_no_answer()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await LockBucket.CreateAsync(server.Url, TimeSpan.FromSeconds(3));
        await using var holder = await (await bucket.NewLockAsync("holder")).TryAcquireAsync(Job);
        Assert.NotNull(holder);
        var (_, store) = await bucket.ConnectAsync("other");
        var counting = new CountingKvStore(store) { AfterUpdate = _ => new NatsResult<ulong>(new TimeoutException("no answer")) };

        Assert.Null(await bucket.NewLock(counting).TryAcquireAsync(Job));
        Assert.False(holder.LockLost.IsCancellationRequested);
    }

    [Fact]
    public async Task A_renewal_refused_because_another_owner_wrote_is_lost_even_when_a_lagging_read_shows_its_own_old_entry()
    {
        var server = await SharedNatsServer.GetAsync();
        var lease = TimeSpan.FromSeconds(3);
        await using var bucket = await LockBucket.CreateAsync(server.Url, lease);
        var (_, store) = await bucket.ConnectAsync("holder");
        var counting = new CountingKvStore(store);
        await using var holder = await bucket.NewLock(counting).TryAcquireAsync(Job);
        Assert.NotNull(holder);
        var ours = holder.Revision;

        // The first read after this answers with the holder's own entry, as a replica that missed what follows would.
        var stale = 1;
        counting.ReadRevision = (_, asked) => Interlocked.Exchange(ref stale, 0) == 1 ? ours : asked;
        await bucket.Store.UpdateAsync(Job, Encoding.UTF8.GetBytes("""{"owner":"intruder"}"""), ours);

        await Eventually.TrueAsync(() => holder.LockLost.IsCancellationRequested, "the holder finds its lock taken", lease * 2);
        Assert.Equal(0, Volatile.Read(ref stale)); // the stale read was served
        Assert.True(bucket.Logs.Has(11013), "the stale read was recognised as such");
        Assert.True(bucket.Logs.Has(10010), "the lock was lost to the other owner");
        Assert.False(bucket.Logs.Has(10012), "the stale read was not taken for a renewal");
        Assert.Equal(ours, holder.Revision);
    }

    [Fact]
    public async Task A_holder_adopts_a_max_age_lowered_while_it_holds_the_lock_and_keeps_it_by_renewing_more_often()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await LockBucket.CreateAsync(server.Url, TimeSpan.FromSeconds(6));
        await using var holder = await (await bucket.NewLockAsync("holder")).TryAcquireAsync(Job);
        Assert.NotNull(holder);

        // Renewed every 2 s so far; from the next renewal on every 1.5 s, well inside the new max age.
        await bucket.SetMaxAgeAsync(TimeSpan.FromSeconds(4.5));

        await Eventually.TrueAsync(() => bucket.Logs.Has(11012), "the holder reads the new max age at its next renewal", TimeSpan.FromSeconds(10));
        var adopted = holder.Revision;
        await Eventually.TrueAsync(
            () => holder.Revision >= adopted + 4 || holder.LockLost.IsCancellationRequested,
            "four more renewals on the new lease (6 s, more than the new max age)",
            TimeSpan.FromSeconds(20));
        Assert.False(holder.LockLost.IsCancellationRequested);
        Assert.Equal(holder.Revision, (await bucket.Store.GetEntryAsync<byte[]>(Job)).Revision);
        Assert.Null(await (await bucket.NewLockAsync("other")).TryAcquireAsync(Job));
    }

    [Fact]
    public async Task A_holder_whose_last_renewal_is_older_than_a_newly_lowered_max_age_counts_its_lock_as_lost()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await LockBucket.CreateAsync(server.Url, TimeSpan.FromSeconds(6));
        await using var holder = await (await bucket.NewLockAsync("holder")).TryAcquireAsync(Job);
        Assert.NotNull(holder);

        // At the next renewal (2 s after the last), an entry that lives 1 s may be gone already.
        await bucket.SetMaxAgeAsync(TimeSpan.FromSeconds(1));

        await Eventually.TrueAsync(() => holder.LockLost.IsCancellationRequested, "the holder gives the lock up", TimeSpan.FromSeconds(10));
        Assert.True(bucket.Logs.Has(11010), "lost because of the new max age, not found taken later");
    }
}
