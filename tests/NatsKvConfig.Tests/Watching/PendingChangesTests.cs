using System.Text;

namespace NatsKvConfig.Tests.Watching;

public class PendingChangesTests
{
    private static KvChange Put(string key, ulong revision, string value = "v") =>
        new(key, revision, false, Encoding.UTF8.GetBytes(value), DateTimeOffset.UnixEpoch);

    [Fact]
    public void A_full_state_is_handed_out_in_parts_as_it_arrives_and_marked_final_when_complete()
    {
        var pending = new PendingChanges();
        pending.Add(Put("a", 1));

        var first = pending.Drain(); // the apply loop takes what there is whenever it wakes
        Assert.Equal(FullStatePart.Partial, first.Part);
        Assert.Equal("a", Assert.Single(first.Changes).Key);
        Assert.True(pending.Drain().IsEmpty);

        pending.Add(Put("b", 2));
        pending.CompleteFullState();
        pending.Add(Put("c", 3)); // live, after the full state
        var last = pending.Drain();
        Assert.Equal(FullStatePart.Final, last.Part);
        Assert.Equal(["b", "c"], last.Changes.Select(c => c.Key));
        Assert.Equal(first.Generation, last.Generation);
        Assert.True(pending.IsEmpty);
    }

    [Fact]
    public void Restarting_a_full_state_drops_what_was_pending_and_starts_a_new_generation()
    {
        var pending = new PendingChanges();
        pending.Add(Put("a", 1));
        var before = pending.Drain();

        pending.BeginFullState(DateTimeOffset.UnixEpoch);
        pending.Add(Put("b", 1));
        pending.CompleteFullState();

        var after = pending.Drain();
        Assert.Equal(FullStatePart.Final, after.Part);
        Assert.NotEqual(before.Generation, after.Generation);
        Assert.Equal("b", Assert.Single(after.Changes).Key);
    }

    [Fact]
    public void A_burst_is_coalesced_to_the_newest_change_per_key_in_revision_order()
    {
        var pending = new PendingChanges();
        pending.CompleteFullState();
        pending.Drain();

        for (ulong revision = 1; revision <= 5_000; revision++)
        {
            pending.Add(Put($"k{revision % 10}", revision, revision.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var batch = pending.Drain();
        Assert.Equal(FullStatePart.None, batch.Part);
        Assert.Equal(10, batch.Changes.Count);
        Assert.Equal(Enumerable.Range(4991, 10).Select(r => (ulong)r), batch.Changes.Select(c => c.Revision));
        Assert.Equal(5_000UL, pending.Revision);
        Assert.True(pending.IsEmpty);
    }

    [Fact]
    public void An_older_change_of_a_key_does_not_replace_a_newer_pending_one()
    {
        var pending = new PendingChanges();
        pending.CompleteFullState();
        pending.Drain();

        pending.Add(Put("a", 7, "new"));
        pending.Add(Put("a", 6, "old"));

        Assert.Equal(7UL, Assert.Single(pending.Drain().Changes).Revision);
    }

    [Fact]
    public async Task The_apply_loop_is_woken_by_a_change_and_not_before()
    {
        var pending = new PendingChanges();
        pending.CompleteFullState();
        Assert.True(await pending.WaitAsync(CancellationToken.None));
        pending.Drain();

        using var cancel = new CancellationTokenSource();
        var waiting = pending.WaitAsync(cancel.Token).AsTask();
        Assert.False(waiting.IsCompleted);

        pending.Add(Put("a", 1));
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));

        cancel.Cancel();
        Assert.False(await pending.WaitAsync(cancel.Token));
    }
}
