using System.Text;

namespace NatsKvConfig.Tests.Client;

public class HistoryRestorePlannerTests
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 10, 0, 0, TimeSpan.Zero);

    private static HistoryLimits Limits(int depth = 10, ulong last = 100, bool removesOld = false, ulong first = 1) =>
        new(depth, first, T0.AddSeconds(first), last, removesOld);

    private static NatsKvConfigEntry Put(string key, ulong revision, string value) =>
        new(key, revision, NatsKvConfigOperation.Put, Encoding.UTF8.GetBytes(value), T0.AddSeconds(revision));

    private static NatsKvConfigEntry Del(string key, ulong revision, NatsKvConfigOperation operation = NatsKvConfigOperation.Delete) =>
        new(key, revision, operation, [], T0.AddSeconds(revision));

    private static List<(string, NatsKvConfigChangeKind, string?)> Plan(NatsKvConfigEntry[] history, NatsKvHistoryPoint point, HistoryLimits? limits = null, string? sentinel = null) =>
        HistoryRestorePlanner.Plan("b", history, point, limits ?? Limits(), sentinel).Changes
            .Select(c => (c.Key, c.Kind, c.NewValue))
            .ToList();

    [Fact]
    public void Each_key_gets_its_value_at_the_point_and_keys_created_later_are_deleted()
    {
        NatsKvConfigEntry[] history =
        [
            Put("a", 1, "a1"), Put("b", 2, "b1"), Put("a", 3, "a2"), Del("b", 4), Put("c", 5, "c1"), Put("d", 2, "d1"),
        ];

        var changes = Plan(history, NatsKvHistoryPoint.AtRevision(2));

        Assert.Equal([("a", NatsKvConfigChangeKind.Update, "a1"), ("b", NatsKvConfigChangeKind.Add, "b1"), ("c", NatsKvConfigChangeKind.Delete, null)], changes);
    }

    [Fact]
    public void A_point_in_time_takes_every_entry_written_at_or_before_it()
    {
        NatsKvConfigEntry[] history = [Put("a", 1, "a1"), Put("a", 3, "a3")];

        Assert.Equal([("a", NatsKvConfigChangeKind.Update, "a1")], Plan(history, NatsKvHistoryPoint.AtTime(T0.AddSeconds(2.5))));
        Assert.Empty(Plan(history, NatsKvHistoryPoint.AtTime(T0.AddSeconds(3))));
    }

    [Fact]
    public void A_key_deleted_at_the_point_is_deleted_and_one_deleted_now_and_then_is_left_alone()
    {
        NatsKvConfigEntry[] history = [Put("a", 1, "1"), Del("a", 2), Put("a", 3, "3"), Put("b", 1, "1"), Del("b", 2)];

        var plan = HistoryRestorePlanner.Plan("b", history, NatsKvHistoryPoint.AtRevision(2), Limits(), null);

        Assert.Equal([("a", NatsKvConfigChangeKind.Delete, (string?)null)], plan.Changes.Select(c => (c.Key, c.Kind, c.NewValue)));
        Assert.Equal(0, plan.Unchanged);
    }

    [Fact]
    public void A_key_whose_history_is_full_and_newer_than_the_point_cannot_be_restored()
    {
        NatsKvConfigEntry[] history = [Put("a", 5, "5"), Put("a", 6, "6"), Put("a", 7, "7")];

        var exception = Assert.Throws<NatsKvHistoryLimitException>(() => Plan(history, NatsKvHistoryPoint.AtRevision(2), Limits(depth: 3)));

        Assert.Equal("a", exception.Key);
        Assert.Equal(5UL, exception.OldestKeptRevision);
        Assert.Equal(3, exception.HistoryDepth);
        Assert.Equal(2UL, exception.Point!.Revision);
    }

    [Fact]
    public void A_key_with_room_left_in_its_history_did_not_exist_before_its_first_entry()
    {
        NatsKvConfigEntry[] history = [Put("a", 5, "5"), Put("a", 6, "6")];

        Assert.Equal([("a", NatsKvConfigChangeKind.Delete, (string?)null)], Plan(history, NatsKvHistoryPoint.AtRevision(2), Limits(depth: 3)));
    }

    [Fact]
    public void A_purge_after_the_point_hides_what_the_key_held_then()
    {
        NatsKvConfigEntry[] history = [Del("a", 5, NatsKvConfigOperation.Purge), Put("a", 6, "6")];

        var exception = Assert.Throws<NatsKvHistoryLimitException>(() => Plan(history, NatsKvHistoryPoint.AtRevision(2)));

        Assert.Contains("purged at revision 5", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bucket_that_drops_old_entries_cannot_go_back_before_its_oldest_entry()
    {
        NatsKvConfigEntry[] history = [Put("a", 50, "x")];

        var exception = Assert.Throws<NatsKvHistoryLimitException>(() => Plan(history, NatsKvHistoryPoint.AtRevision(10), Limits(removesOld: true, first: 40)));
        var fine = Plan(history, NatsKvHistoryPoint.AtRevision(45), Limits(removesOld: true, first: 40));

        Assert.Null(exception.Key);
        Assert.Equal(40UL, exception.OldestKeptRevision);
        Assert.Equal([("a", NatsKvConfigChangeKind.Delete, (string?)null)], fine);
    }

    [Fact]
    public void A_revision_after_the_last_is_refused_and_the_sentinel_is_skipped()
    {
        NatsKvConfigEntry[] history = [Put("a", 1, "1"), Put("v", 2, "1"), Put("a", 3, "2"), Put("v", 4, "2")];

        var exception = Assert.Throws<NatsKvConfigNotFoundException>(() => Plan(history, NatsKvHistoryPoint.AtRevision(101)));
        Assert.Equal(101UL, exception.Revision);
        Assert.Equal([("a", NatsKvConfigChangeKind.Update, "1")], Plan(history, NatsKvHistoryPoint.AtRevision(2), sentinel: "v"));
    }

    [Fact]
    public void The_exact_bytes_of_the_old_value_are_restored()
    {
        byte[] notUtf8 = [0xFF, 0xFE, 0x41];
        NatsKvConfigEntry[] history =
        [
            new("a", 1, NatsKvConfigOperation.Put, notUtf8, T0), Put("a", 2, "text"),
        ];

        var change = Assert.Single(HistoryRestorePlanner.Plan("b", history, NatsKvHistoryPoint.AtRevision(1), Limits(), null).Changes);

        Assert.Equal(notUtf8, change.NewRawValue);
    }
}
