using System.Text;

namespace NatsKvConfig.Tests.Client;

public class ChangePlannerTests
{
    private static NatsKvConfigEntry Live(string key, string value, ulong revision) =>
        new(key, revision, NatsKvConfigOperation.Put, Encoding.UTF8.GetBytes(value), DateTimeOffset.UnixEpoch);

    private static NatsKvConfigEntry Deleted(string key, ulong revision) =>
        new(key, revision, NatsKvConfigOperation.Delete, [], DateTimeOffset.UnixEpoch);

    private static Dictionary<string, NatsKvConfigEntry> Current(params NatsKvConfigEntry[] entries) => entries.ToDictionary(e => e.Key);

    private static Dictionary<string, byte[]> Wanted(params (string Key, string Value)[] values) =>
        values.ToDictionary(v => v.Key, v => Encoding.UTF8.GetBytes(v.Value));

    [Fact]
    public void Only_keys_whose_value_differs_are_written_each_at_the_revision_seen()
    {
        var current = Current(Live("same", "1", 3), Live("changed", "old", 4), Deleted("was-deleted", 5), Live("extra", "x", 6));

        var (changes, unchanged) = ChangePlanner.Plan(current, Wanted(("same", "1"), ("changed", "new"), ("was-deleted", "back"), ("brand-new", "n")), removeMissing: false, sentinelKey: null);

        Assert.Equal(1, unchanged);
        Assert.Equal(
            [("brand-new", NatsKvConfigChangeKind.Add, 0UL), ("changed", NatsKvConfigChangeKind.Update, 4UL), ("was-deleted", NatsKvConfigChangeKind.Add, 5UL)],
            changes.Select(c => (c.Key, c.Kind, c.ExpectedRevision)));
        var update = changes.Single(c => c.Key == "changed");
        Assert.Equal(("old", "new"), (update.OldValue, update.NewValue));
    }

    [Fact]
    public void Keys_the_wanted_state_lacks_are_deleted_only_when_asked_and_deleted_keys_never_again()
    {
        var current = Current(Live("keep", "1", 1), Live("drop", "2", 2), Deleted("gone", 3));

        var (merge, _) = ChangePlanner.Plan(current, Wanted(("keep", "1")), removeMissing: false, sentinelKey: null);
        var (replace, _) = ChangePlanner.Plan(current, Wanted(("keep", "1")), removeMissing: true, sentinelKey: null);

        Assert.Empty(merge);
        var delete = Assert.Single(replace);
        Assert.Equal((NatsKvConfigChangeKind.Delete, "drop", 2UL, "2", (string?)null), (delete.Kind, delete.Key, delete.ExpectedRevision, delete.OldValue, delete.NewValue));
    }

    [Fact]
    public void The_sentinel_key_is_never_written_or_deleted_by_a_plan()
    {
        var current = Current(Live("version", "7", 1), Live("a", "1", 2));

        var (changes, _) = ChangePlanner.Plan(current, Wanted(("version", "99")), removeMissing: true, sentinelKey: "version");

        Assert.Equal(["a"], changes.Select(c => c.Key));
    }

    [Fact]
    public void Values_are_compared_byte_for_byte()
    {
        var (changes, unchanged) = ChangePlanner.Plan(Current(Live("a", "Value", 1)), Wanted(("a", "value")), removeMissing: false, sentinelKey: null);

        Assert.Equal(0, unchanged);
        Assert.Equal(NatsKvConfigChangeKind.Update, Assert.Single(changes).Kind);
    }
}
