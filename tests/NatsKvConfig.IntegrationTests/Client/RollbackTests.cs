using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Client;

public class RollbackTests
{
    [Fact]
    public async Task A_key_rolls_back_to_its_value_at_an_earlier_revision()
    {
        await using var b = await ClientBucket.CreateAsync();
        var good = await b.Client.PutAsync(NatsKvConfigKey.Parse("feature:limit"), "10");
        var bad = await b.Client.PutAsync(NatsKvConfigKey.Parse("feature:limit"), "99999");

        var result = await b.Client.RollbackAsync(NatsKvConfigKey.Parse("feature:limit"), good);

        var change = Assert.Single(result.Plan.Changes);
        Assert.Equal(NatsKvConfigChangeKind.Update, change.Kind);
        Assert.Equal(bad, change.ExpectedRevision); // a compare-and-swap on the current revision
        Assert.Equal("99999", change.OldValue);
        Assert.Equal("10", change.NewValue);
        var now = await b.Client.GetAsync(NatsKvConfigKey.Parse("feature:limit"));
        Assert.Equal("10", now!.Value);
        Assert.Equal(result.LastRevision, now.Revision);
    }

    [Fact]
    public async Task A_key_rolls_back_to_a_value_it_held_before_it_was_deleted()
    {
        await using var b = await ClientBucket.CreateAsync();
        var r1 = await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "1");
        await b.Client.DeleteAsync(NatsKvConfigKey.Parse("a"));

        var restored = await b.Client.RollbackAsync(NatsKvConfigKey.Parse("a"), r1);

        Assert.Equal(NatsKvConfigChangeKind.Add, Assert.Single(restored.Plan.Changes).Kind);
        Assert.Equal("1", (await b.Client.GetAsync(NatsKvConfigKey.Parse("a")))!.Value);
    }

    [Fact]
    public async Task Rolling_back_to_before_the_key_existed_is_refused_and_writes_nothing()
    {
        await using var b = await ClientBucket.CreateAsync();
        var before = await b.Client.PutAsync(NatsKvConfigKey.Parse("other"), "x");
        var r1 = await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "secret-value");

        var planned = await Assert.ThrowsAsync<NatsKvRollbackWouldDeleteException>(() => b.Client.PlanRollbackAsync(NatsKvConfigKey.Parse("a"), before));
        var refused = await Assert.ThrowsAsync<NatsKvRollbackWouldDeleteException>(() => b.Client.RollbackAsync(NatsKvConfigKey.Parse("a"), before));

        Assert.Equal("a", refused.Key);
        Assert.Equal(before, refused.ToRevision);
        Assert.Equal(r1, refused.CurrentRevision);
        Assert.Null(refused.DeletedAtRevision);
        Assert.Contains("did not exist yet", refused.Message);
        Assert.Contains($"revision {before}", refused.Message);
        Assert.DoesNotContain("secret-value", refused.Message);
        Assert.Equal(planned.Message, refused.Message);
        var now = await b.Client.GetAsync(NatsKvConfigKey.Parse("a"));
        Assert.Equal(r1, now!.Revision);
    }

    [Fact]
    public async Task Rolling_back_to_a_point_where_the_key_was_deleted_is_refused_naming_the_delete()
    {
        await using var b = await ClientBucket.CreateAsync();
        await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "1");
        var deleted = (await b.Client.DeleteAsync(NatsKvConfigKey.Parse("a")))!.Value;
        var back = await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "2");

        var refused = await Assert.ThrowsAsync<NatsKvRollbackWouldDeleteException>(() => b.Client.RollbackAsync(NatsKvConfigKey.Parse("a"), deleted));

        Assert.Equal(deleted, refused.DeletedAtRevision);
        Assert.Contains($"deleted at revision {deleted}", refused.Message);
        Assert.Equal(back, (await b.Client.GetAsync(NatsKvConfigKey.Parse("a")))!.Revision);
    }

    [Fact]
    public async Task Rolling_back_to_before_the_key_existed_deletes_it_when_allowed_explicitly()
    {
        await using var b = await ClientBucket.CreateAsync();
        var before = await b.Client.PutAsync(NatsKvConfigKey.Parse("other"), "x");
        var r1 = await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "1");
        var allow = new NatsKvRollbackOptions { AllowDelete = true };

        var plan = await b.Client.PlanRollbackAsync(NatsKvConfigKey.Parse("a"), before, allow);
        var removed = await b.Client.RollbackAsync(NatsKvConfigKey.Parse("a"), before, allow);

        Assert.Equal("a", Assert.Single(plan.Removed).Key);
        var change = Assert.Single(removed.Plan.Changes);
        Assert.Equal(NatsKvConfigChangeKind.Delete, change.Kind);
        Assert.Equal(r1, change.ExpectedRevision);
        Assert.Null(await b.Client.GetAsync(NatsKvConfigKey.Parse("a")));
        Assert.Equal(NatsKvConfigOperation.Delete, (await b.Client.GetHistoryAsync(NatsKvConfigKey.Parse("a")))[^1].Operation);
    }

    [Fact]
    public async Task Rolling_back_a_deleted_key_to_before_it_existed_writes_nothing_and_is_not_refused()
    {
        await using var b = await ClientBucket.CreateAsync();
        var before = await b.Client.PutAsync(NatsKvConfigKey.Parse("other"), "x");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "1");
        await b.Client.DeleteAsync(NatsKvConfigKey.Parse("a"));

        var result = await b.Client.RollbackAsync(NatsKvConfigKey.Parse("a"), before);

        Assert.True(result.Plan.IsEmpty);
    }

    [Fact]
    public async Task Rolling_back_to_the_current_value_writes_nothing()
    {
        await using var b = await ClientBucket.CreateAsync();
        var r1 = await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "1");

        var result = await b.Client.RollbackAsync(NatsKvConfigKey.Parse("a"), r1);

        Assert.True(result.Plan.IsEmpty);
        Assert.Equal(r1, (await b.Client.GetAsync(NatsKvConfigKey.Parse("a")))!.Revision);
    }

    [Fact]
    public async Task A_plan_applied_after_the_key_moved_raises_a_conflict_and_keeps_the_newer_value()
    {
        await using var b = await ClientBucket.CreateAsync();
        var r1 = await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "1");
        var r2 = await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "2");
        var plan = await b.Client.PlanRollbackAsync(NatsKvConfigKey.Parse("a"), r1);

        var r3 = await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "3"); // someone else writes in between
        var conflict = await Assert.ThrowsAsync<NatsKvRevisionConflictException>(() => b.Client.ApplyAsync(plan));

        Assert.Equal(r2, conflict.ExpectedRevision);
        Assert.Equal(r3, conflict.ActualRevision);
        Assert.Equal("3", (await b.Client.GetAsync(NatsKvConfigKey.Parse("a")))!.Value);
    }

    [Fact]
    public async Task Rolling_back_beyond_the_history_kept_is_a_clear_error_and_writes_nothing()
    {
        await using var b = await ClientBucket.CreateAsync(settings: new NatsKvBucketSettings { History = 3 });
        var r1 = await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "1");
        for (var i = 2; i <= 5; i++)
        {
            await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var key = await Assert.ThrowsAsync<NatsKvHistoryLimitException>(() => b.Client.RollbackAsync(NatsKvConfigKey.Parse("a"), r1));
        var section = await Assert.ThrowsAsync<NatsKvHistoryLimitException>(() => b.Client.RollbackSectionAsync(null, NatsKvHistoryPoint.AtRevision(r1)));

        Assert.Equal("a", key.Key);
        Assert.Equal(3, key.HistoryDepth);
        Assert.Contains("keeps 3 value(s) per key", key.Message, StringComparison.Ordinal);
        Assert.Equal("a", section.Key);
        Assert.Equal("5", (await b.Client.GetAsync(NatsKvConfigKey.Parse("a")))!.Value);
    }

    [Fact]
    public async Task A_purged_key_cannot_be_rolled_back_past_its_purge()
    {
        await using var b = await ClientBucket.CreateAsync();
        var r1 = await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "1");
        await b.Client.PurgeAsync(NatsKvConfigKey.Parse("a"));

        var exception = await Assert.ThrowsAsync<NatsKvHistoryLimitException>(() => b.Client.RollbackAsync(NatsKvConfigKey.Parse("a"), r1));

        Assert.Contains("purged", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rolling_back_a_key_that_never_existed_is_key_not_found()
    {
        await using var b = await ClientBucket.CreateAsync();
        var r1 = await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "1");

        var exception = await Assert.ThrowsAsync<NatsKvConfigNotFoundException>(() => b.Client.RollbackAsync(NatsKvConfigKey.Parse("b"), r1));

        Assert.Equal("b", exception.Key);
        Assert.Null(exception.Revision);
    }

    [Fact]
    public async Task A_revision_newer_than_the_bucket_is_revision_not_found()
    {
        await using var b = await ClientBucket.CreateAsync();
        var r1 = await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "1");

        var key = await Assert.ThrowsAsync<NatsKvConfigNotFoundException>(() => b.Client.RollbackAsync(NatsKvConfigKey.Parse("a"), r1 + 100));
        var section = await Assert.ThrowsAsync<NatsKvConfigNotFoundException>(() => b.Client.PlanSectionRollbackAsync(null, NatsKvHistoryPoint.AtRevision(r1 + 100)));

        Assert.Equal("a", key.Key);
        Assert.Equal(r1 + 100, key.Revision);
        Assert.Null(section.Key);
        Assert.Equal(r1 + 100, section.Revision);
        Assert.Equal(b.Bucket.Name, key.Bucket);
        Assert.Equal("1", (await b.Client.GetAsync(NatsKvConfigKey.Parse("a")))!.Value);
    }

    [Fact]
    public async Task A_rollback_to_revision_0_is_an_argument_error_naming_the_parameter()
    {
        await using var b = await ClientBucket.CreateAsync();
        await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "1");

        var exception = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => b.Client.RollbackAsync(NatsKvConfigKey.Parse("a"), 0));

        Assert.Equal("toRevision", exception.ParamName);
    }

    [Fact]
    public async Task A_section_rolls_back_to_a_revision_restoring_changed_and_deleted_keys_and_deleting_new_ones()
    {
        await using var b = await ClientBucket.CreateAsync();
        await b.Client.PutAsync(NatsKvConfigKey.Parse("app:name"), "v1");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("app:removed"), "was here");
        var point = await b.Client.PutAsync(NatsKvConfigKey.Parse("app:same"), "s");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("app:name"), "v2");
        await b.Client.DeleteAsync(NatsKvConfigKey.Parse("app:removed"));
        await b.Client.PutAsync(NatsKvConfigKey.Parse("app:added"), "new");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("outside"), "untouched");

        var plan = await b.Client.PlanSectionRollbackAsync("app", NatsKvHistoryPoint.AtRevision(point));
        Assert.Equal(["app.added"], plan.Removed.Select(c => c.Key));
        Assert.Equal(["app.removed"], plan.Added.Select(c => c.Key));
        Assert.Equal(["app.name"], plan.Updated.Select(c => c.Key));
        Assert.Equal(1, plan.Unchanged);
        Assert.Equal("new", (await b.Client.GetAsync(NatsKvConfigKey.Parse("app:added")))!.Value); // a dry run writes nothing

        var result = await b.Client.ApplyAsync(plan);

        Assert.Equal(3, result.Plan.Changes.Count);
        var app = await b.Client.GetSectionAsync("app");
        Assert.Equal("v1", app["name"]);
        Assert.Equal("was here", app["removed"]);
        Assert.Equal("s", app["same"]);
        Assert.Null(app["added"]);
        Assert.Equal("untouched", (await b.Client.GetAsync(NatsKvConfigKey.Parse("outside")))!.Value);
    }

    [Fact]
    public async Task A_section_rolls_back_to_a_point_in_time()
    {
        await using var b = await ClientBucket.CreateAsync();
        await b.Client.PutAsync(NatsKvConfigKey.Parse("app:name"), "v1");

        // The time as history shows it: entries read by a watch carry whole milliseconds, so the next write waits
        // for a later millisecond, or both would be "at" that time.
        var then = Assert.Single(await b.Client.GetHistoryAsync(NatsKvConfigKey.Parse("app:name"))).Created;
        await Eventually.TrueAsync(() => DateTimeOffset.UtcNow >= then.AddMilliseconds(2), "the clock passes the first write's millisecond");
        var later = await b.Client.PutAsync(NatsKvConfigKey.Parse("app:name"), "v2");
        Assert.True((await b.Client.GetHistoryAsync(NatsKvConfigKey.Parse("app:name")))[^1].Created > then, "the server stamps each write with a later time");

        var result = await b.Client.RollbackSectionAsync("app", NatsKvHistoryPoint.AtTime(then));

        Assert.Equal(later, Assert.Single(result.Plan.Changes).ExpectedRevision);
        Assert.Equal("v1", (await b.Client.GetAsync(NatsKvConfigKey.Parse("app:name")))!.Value);
    }

    [Fact]
    public async Task A_section_rollback_leaves_the_sentinel_alone_and_bumps_it_last()
    {
        await using var b = await ClientBucket.CreateAsync(o => o.SentinelKey = "app.version");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("app:name"), "v1");
        var point = (await b.Client.GetBucketInfoAsync()).LastRevision;
        await b.Client.PutAsync(NatsKvConfigKey.Parse("app:name"), "v2");
        var sentinelBefore = (await b.Client.GetAsync(NatsKvConfigKey.Parse("app.version")))!.Value;

        var result = await b.Client.RollbackSectionAsync("app", NatsKvHistoryPoint.AtRevision(point));

        Assert.DoesNotContain(result.Plan.Changes, c => c.Key == "app.version");
        Assert.Equal("3", (await b.Client.GetAsync(NatsKvConfigKey.Parse("app.version")))!.Value);
        Assert.Equal("2", sentinelBefore);
        Assert.Equal(result.SentinelRevision, (await b.Client.GetBucketInfoAsync()).LastRevision);
    }

    [Fact]
    public async Task Progress_is_reported_for_each_change_of_a_section_rollback()
    {
        await using var b = await ClientBucket.CreateAsync();
        for (var i = 0; i < 20; i++)
        {
            await b.Client.PutAsync(NatsKvConfigKey.Parse($"app:k{i}"), "old");
        }

        var point = (await b.Client.GetBucketInfoAsync()).LastRevision;
        for (var i = 0; i < 20; i++)
        {
            await b.Client.PutAsync(NatsKvConfigKey.Parse($"app:k{i}"), "new");
        }

        var reports = new System.Collections.Concurrent.ConcurrentBag<NatsKvConfigProgress>();
        await b.Client.RollbackSectionAsync("app", NatsKvHistoryPoint.AtRevision(point), new SynchronousProgress(reports.Add));

        Assert.Equal(20, reports.Count);
        Assert.Contains(new NatsKvConfigProgress(20, 20), reports);
        Assert.All((await b.Client.GetSectionAsync("app")).GetChildren(), c => Assert.Equal("old", c.Value));
    }
}

/// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts, so a test could finish before it reports).</summary>
internal sealed class SynchronousProgress(Action<NatsKvConfigProgress> report) : IProgress<NatsKvConfigProgress>
{
    public void Report(NatsKvConfigProgress value) => report(value);
}
