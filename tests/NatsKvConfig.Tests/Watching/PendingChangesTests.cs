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
    private static PendingChanges Loaded(string? sentinelKey = null)
    {
        var pending = new PendingChanges();
        pending.CompleteFullState(); // an empty bucket: the initial state is complete
        Assert.Equal(FullStatePart.Final, pending.Drain().Part);
        if (sentinelKey is not null)
        {
            pending.HoldUntilSentinel(sentinelKey);
        }

        return pending;
    }

    [Fact]
    public void A_sentinel_change_releases_exactly_the_changes_before_it_and_holds_those_after_it()
    {
        var pending = Loaded("release");
        pending.Add(Put("a", 1));
        pending.Add(Put("release", 2));
        pending.Add(Put("b", 3));

        var released = pending.Drain();
        Assert.Equal([("a", 1UL), ("release", 2UL)], released.Changes.Select(c => (c.Key, c.Revision)));
        Assert.Equal(1, pending.HeldBackCount);
        Assert.Equal(2UL, pending.ReleasableRevision);
        Assert.True(pending.IsEmpty, "held-back changes are not waiting to be applied");
        Assert.True(pending.Drain().IsEmpty);

        pending.Add(Put("release", 4));
        Assert.Equal([("b", 3UL), ("release", 4UL)], pending.Drain().Changes.Select(c => (c.Key, c.Revision)));
        Assert.Equal(0, pending.HeldBackCount);
    }

    [Fact]
    public void Changes_of_one_key_on_both_sides_of_a_sentinel_change_are_never_merged()
    {
        var pending = Loaded("release");
        pending.Add(Put("a", 1, "before"));
        pending.Add(Put("release", 2));
        pending.Add(Put("a", 3, "after"));

        var released = pending.Drain();
        Assert.Equal("before", Encoding.UTF8.GetString(released.Changes.Single(c => c.Key == "a").Value.Span));

        pending.Add(Put("release", 4));
        Assert.Equal("after", Encoding.UTF8.GetString(pending.Drain().Changes.Single(c => c.Key == "a").Value.Span));
    }

    [Fact]
    public void Two_sentinel_changes_in_one_drain_release_everything_up_to_the_later_one()
    {
        var pending = Loaded("release");
        pending.Add(Put("a", 1));
        pending.Add(Put("release", 2));
        pending.Add(Put("b", 3));
        pending.Add(Put("release", 4));
        pending.Add(Put("c", 5));

        Assert.Equal(["a", "b", "release"], pending.Drain().Changes.Select(c => c.Key).Order(StringComparer.Ordinal));
        Assert.Equal(1, pending.HeldBackCount);
    }

    [Fact]
    public void A_new_full_state_supersedes_what_was_held_back()
    {
        var pending = Loaded("release");
        pending.Add(Put("a", 1));
        Assert.Equal(1, pending.HeldBackCount);

        pending.BeginFullState(DateTimeOffset.UnixEpoch);
        Assert.Equal(0, pending.HeldBackCount);
        pending.Add(Put("b", 7));
        pending.CompleteFullState();
        Assert.Equal(["b"], pending.Drain().Changes.Select(c => c.Key));
    }

    [Fact]
    public void A_prune_is_handed_out_only_once_everything_up_to_the_revision_it_was_seen_at_has_arrived()
    {
        var pending = Loaded();
        pending.Add(Put("a", 5));
        Assert.Equal(0UL, pending.Drain().PruneBelow);

        pending.ReportFirstRevision(firstRevision: 10, lastRevision: 12);
        Assert.True(pending.Drain().IsEmpty, "revisions up to 12 have not all arrived");

        pending.Add(Put("b", 12));
        var batch = pending.Drain();
        Assert.Equal(10UL, batch.PruneBelow);
        Assert.Equal(["b"], batch.Changes.Select(c => c.Key));

        pending.ReportFirstRevision(firstRevision: 10, lastRevision: 12);
        Assert.True(pending.Drain().IsEmpty, "the same first revision is pruned once");
    }

    [Fact]
    public void A_prune_drops_held_back_changes_that_lost_their_message_too()
    {
        var pending = Loaded("release");
        pending.Add(Put("lost", 3));
        pending.Add(Put("kept", 20));
        pending.ReportFirstRevision(firstRevision: 15, lastRevision: 20);

        Assert.Equal(["kept"], pending.Drain().HeldKeys);
        Assert.Equal(1, pending.HeldBackCount);
        pending.Add(Put("release", 21));
        Assert.Equal(["kept", "release"], pending.Drain().Changes.Select(c => c.Key));
    }

    [Fact]
    public void A_prune_spares_keys_whose_newer_changes_are_held_back()
    {
        var pending = Loaded("release");
        pending.Add(Put("a", 20));
        pending.ReportFirstRevision(firstRevision: 15, lastRevision: 20);

        var batch = pending.Drain();
        Assert.Equal(15UL, batch.PruneBelow);
        Assert.Empty(batch.Changes);
        Assert.Equal(["a"], batch.HeldKeys);
    }

    [Fact]
    public void Only_the_first_part_of_a_full_state_starts_it_so_a_later_part_alone_is_known_to_be_incomplete()
    {
        var pending = new PendingChanges();
        pending.Add(Put("a", 1));
        Assert.True(pending.Drain().StartsFullState);
        pending.Add(Put("b", 2));
        pending.CompleteFullState();
        var final = pending.Drain();
        Assert.Equal(FullStatePart.Final, final.Part);
        Assert.False(final.StartsFullState);

        pending.BeginFullState(DateTimeOffset.UnixEpoch);
        pending.Add(Put("c", 3));
        pending.CompleteFullState();
        Assert.True(pending.Drain().StartsFullState, "a complete state handed out at once starts its generation");
    }
    [Fact]
    public void A_provider_starts_reading_the_full_state_and_goes_live_once_its_final_part_is_drained()
    {
        var pending = new PendingChanges();
        Assert.Equal(BucketPhase.ReadingFullState, pending.Phase);

        pending.Add(Put("a", 1));
        pending.CompleteFullState();
        Assert.Equal(BucketPhase.FullStateRead, pending.Phase);
        Assert.False(pending.IsEmpty, "the complete state waits to be handed out");

        var final = pending.Drain();
        Assert.Equal(FullStatePart.Final, final.Part);
        Assert.True(final.EndsInitialRead);
        Assert.Equal(BucketPhase.Live, pending.Phase);

        pending.Add(Put("b", 2));
        var live = pending.Drain();
        Assert.Equal(FullStatePart.None, live.Part);
        Assert.False(live.EndsInitialRead);
        Assert.Equal(BucketPhase.Live, pending.Phase);
    }

    [Fact]
    public void A_restored_snapshot_catches_up_with_live_changes_and_goes_live_once_caught_up_is_drained()
    {
        var pending = new PendingChanges();
        pending.ResumeFrom(10);
        Assert.Equal(BucketPhase.CatchingUp, pending.Phase);

        pending.Add(Put("a", 11));
        var during = pending.Drain();
        Assert.Equal(FullStatePart.None, during.Part); // applied over the snapshot as it comes
        Assert.False(during.EndsCatchUp);

        pending.CompleteFullState(); // the watch's "no data" says both; only the catch-up applies here
        pending.CompleteCatchUp();
        Assert.Equal(BucketPhase.CaughtUp, pending.Phase);
        var last = pending.Drain();
        Assert.True(last.EndsCatchUp);
        Assert.True(last.EndsInitialRead);
        Assert.Equal(BucketPhase.Live, pending.Phase);
    }

    [Fact]
    public void A_live_provider_goes_back_to_reading_the_full_state_when_the_bucket_is_replaced()
    {
        var pending = Loaded();
        pending.Add(Put("stale", 5));
        var generation = pending.Drain().Generation;
        pending.Add(Put("dropped", 6));

        pending.BeginFullState(DateTimeOffset.UnixEpoch);
        Assert.Equal(BucketPhase.ReadingFullState, pending.Phase);
        Assert.Equal(0UL, pending.Revision);
        pending.Add(Put("fresh", 1));
        pending.CompleteFullState();

        var final = pending.Drain();
        Assert.Equal(["fresh"], final.Changes.Select(c => c.Key));
        Assert.NotEqual(generation, final.Generation);
        Assert.Equal(BucketPhase.Live, pending.Phase);
    }

    [Fact]
    public void Completions_that_do_not_fit_the_phase_change_nothing()
    {
        var pending = Loaded();
        pending.CompleteFullState();
        pending.CompleteCatchUp();
        Assert.Equal(BucketPhase.Live, pending.Phase);
        Assert.True(pending.Drain().IsEmpty);

        pending.BeginFullState(DateTimeOffset.UnixEpoch);
        pending.CompleteCatchUp();
        Assert.Equal(BucketPhase.ReadingFullState, pending.Phase);
        pending.ReportFirstRevision(firstRevision: 5, lastRevision: 0); // a full read sees the stream as it is
        pending.CompleteFullState();
        Assert.Equal(0UL, pending.Drain().PruneBelow);
    }

    [Fact]
    public void Once_disposed_it_frees_the_state_being_read_and_drops_what_arrives_after()
    {
        var pending = new PendingChanges();
        pending.Add(Put("a", 1));

        pending.Dispose();
        pending.Add(Put("b", 2));

        Assert.True(pending.Drain().IsEmpty);
    }
}
