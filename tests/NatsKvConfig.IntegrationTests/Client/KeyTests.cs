using System.Text;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Client;

public class KeyTests
{
    [Fact]
    public async Task A_put_value_reads_back_with_its_revision_and_creation_time_by_path_or_by_key()
    {
        await using var b = await ClientBucket.CreateAsync();
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);

        var revision = await b.Client.PutAsync(NatsKvConfigKey.Parse("database:host"), "db1");

        var byPath = await b.Client.GetAsync(NatsKvConfigKey.Parse("database:host"));
        var byKey = await b.Client.GetAsync(NatsKvConfigKey.FromKey("database.host"));
        Assert.NotNull(byPath);
        Assert.Equal("db1", byPath.Value);
        Assert.Equal(revision, byPath.Revision);
        Assert.Equal("database.host", byPath.Key);
        Assert.Equal("database:host", byPath.Path);
        Assert.Equal(NatsKvConfigOperation.Put, byPath.Operation);
        Assert.InRange(byPath.Created, before, DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.Equal(byPath.Revision, byKey!.Revision);
        Assert.Equal("db1", Encoding.UTF8.GetString((await b.Bucket.Store.GetEntryAsync<byte[]>("database.host")).Value!));
    }

    [Fact]
    public async Task List_returns_the_live_keys_of_a_section_ordered_by_key_with_their_revisions()
    {
        await using var b = await ClientBucket.CreateAsync();
        var port = await b.Client.PutAsync(NatsKvConfigKey.Parse("db:port"), "5432");
        var host = await b.Client.PutAsync(NatsKvConfigKey.Parse("db:host"), "h");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("db:gone"), "x");
        await b.Client.DeleteAsync(NatsKvConfigKey.Parse("db:gone"));
        await b.Client.PutAsync(NatsKvConfigKey.Parse("dbx"), "not in the section");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("web:port"), "80");

        var section = await b.Client.ListAsync("db");
        var all = await b.Client.ListAsync();

        Assert.Equal(["db.host", "db.port"], section.Select(e => e.Key));
        Assert.Equal([host, port], section.Select(e => e.Revision));
        Assert.Equal(["h", "5432"], section.Select(e => e.Value));
        Assert.Equal(["db.host", "db.port", "dbx", "web.port"], all.Select(e => e.Key));
    }

    [Fact]
    public async Task A_path_segment_with_a_dot_is_stored_under_its_escaped_key()
    {
        await using var b = await ClientBucket.CreateAsync();

        await b.Client.PutAsync(NatsKvConfigKey.Parse("Logging:LogLevel:Microsoft.AspNetCore"), "Warning");

        var entry = await b.Client.GetAsync(NatsKvConfigKey.FromKey("Logging.LogLevel.Microsoft=2EAspNetCore"));
        Assert.Equal("Warning", entry?.Value);
        Assert.Equal("Logging:LogLevel:Microsoft.AspNetCore", entry?.Path);
    }

    [Fact]
    public async Task A_missing_or_deleted_key_reads_as_null()
    {
        await using var b = await ClientBucket.CreateAsync();
        Assert.Null(await b.Client.GetAsync(NatsKvConfigKey.Parse("never:written")));

        await b.Client.PutAsync(NatsKvConfigKey.Parse("gone"), "x");
        var deleted = await b.Client.DeleteAsync(NatsKvConfigKey.Parse("gone"));

        Assert.NotNull(deleted);
        Assert.Null(await b.Client.GetAsync(NatsKvConfigKey.Parse("gone")));
    }

    [Fact]
    public async Task Create_refuses_an_existing_key_as_a_revision_conflict_but_takes_a_deleted_one()
    {
        await using var b = await ClientBucket.CreateAsync();
        var first = await b.Client.CreateAsync(NatsKvConfigKey.Parse("feature"), "on");

        var exists = await Assert.ThrowsAsync<NatsKvRevisionConflictException>(() => b.Client.CreateAsync(NatsKvConfigKey.Parse("feature"), "off"));
        Assert.Equal("feature", exists.Key);
        Assert.Equal(0UL, exists.ExpectedRevision);
        Assert.Equal(first, exists.ActualRevision);
        Assert.Contains("already exists", exists.Message, StringComparison.Ordinal);
        Assert.Equal("on", (await b.Client.GetAsync(NatsKvConfigKey.Parse("feature")))!.Value);

        await b.Client.DeleteAsync(NatsKvConfigKey.Parse("feature"));
        var again = await b.Client.CreateAsync(NatsKvConfigKey.Parse("feature"), "back");
        Assert.True(again > first);
        Assert.Equal("back", (await b.Client.GetAsync(NatsKvConfigKey.Parse("feature")))!.Value);
    }

    [Fact]
    public async Task Update_swaps_at_the_expected_revision_and_a_wrong_one_raises_a_conflict_with_both_revisions()
    {
        await using var b = await ClientBucket.CreateAsync();
        var r1 = await b.Client.PutAsync(NatsKvConfigKey.Parse("limits:max"), "secret-value-1");

        var r2 = await b.Client.UpdateAsync(NatsKvConfigKey.Parse("limits:max"), "secret-value-2", r1);
        var conflict = await Assert.ThrowsAsync<NatsKvRevisionConflictException>(() => b.Client.UpdateAsync(NatsKvConfigKey.Parse("limits:max"), "secret-value-3", r1));

        Assert.True(r2 > r1);
        Assert.Equal("limits.max", conflict.Key);
        Assert.Equal(r1, conflict.ExpectedRevision);
        Assert.Equal(r2, conflict.ActualRevision);
        Assert.Equal(b.Name, conflict.Bucket);
        Assert.Contains("limits.max", conflict.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", conflict.ToString(), StringComparison.Ordinal);
        Assert.Equal("secret-value-2", (await b.Client.GetAsync(NatsKvConfigKey.Parse("limits:max")))!.Value);
    }

    [Fact]
    public async Task Update_with_revision_zero_creates_only_a_key_without_entries()
    {
        await using var b = await ClientBucket.CreateAsync();

        var created = await b.Client.UpdateAsync(NatsKvConfigKey.Parse("fresh"), "1", 0);
        var conflict = await Assert.ThrowsAsync<NatsKvRevisionConflictException>(() => b.Client.UpdateAsync(NatsKvConfigKey.Parse("fresh"), "2", 0));

        Assert.Equal(created, conflict.ActualRevision);
    }

    [Fact]
    public async Task Delete_at_a_stale_revision_is_refused_and_delete_of_nothing_writes_nothing()
    {
        await using var b = await ClientBucket.CreateAsync();
        var r1 = await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "1");
        var r2 = await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "2");

        var conflict = await Assert.ThrowsAsync<NatsKvRevisionConflictException>(() => b.Client.DeleteAsync(NatsKvConfigKey.Parse("a"), r1));
        Assert.Equal(r2, conflict.ActualRevision);
        Assert.Equal("2", (await b.Client.GetAsync(NatsKvConfigKey.Parse("a")))!.Value);

        var deleted = await b.Client.DeleteAsync(NatsKvConfigKey.Parse("a"), r2);
        Assert.True(deleted > r2);
        var before = (await b.Client.GetBucketInfoAsync()).LastRevision;
        Assert.Null(await b.Client.DeleteAsync(NatsKvConfigKey.Parse("a")));
        Assert.Null(await b.Client.DeleteAsync(NatsKvConfigKey.Parse("never")));
        Assert.Equal(before, (await b.Client.GetBucketInfoAsync()).LastRevision);
    }

    [Fact]
    public async Task Purge_removes_the_value_and_its_history()
    {
        await using var b = await ClientBucket.CreateAsync();
        await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "1");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "2");

        var purged = await b.Client.PurgeAsync(NatsKvConfigKey.Parse("a"));

        Assert.Null(await b.Client.GetAsync(NatsKvConfigKey.Parse("a")));
        var history = await b.Client.GetHistoryAsync(NatsKvConfigKey.Parse("a"));
        var only = Assert.Single(history);
        Assert.Equal(NatsKvConfigOperation.Purge, only.Operation);
        Assert.Equal(purged, only.Revision);
    }

    [Fact]
    public async Task An_invalid_key_is_refused_before_anything_is_sent_naming_the_key_and_the_allowed_characters()
    {
        await using var b = await ClientBucket.CreateAsync();

        var exception = await Assert.ThrowsAsync<ArgumentException>(() => b.Client.PutAsync(NatsKvConfigKey.FromKey("bad key!"), "x"));

        Assert.Contains("'bad key!'", exception.Message, StringComparison.Ordinal);
        Assert.Contains(NatsKvKeyMapper.AllowedKeyCharacters, exception.Message, StringComparison.Ordinal);
        Assert.Equal(0UL, (await b.Client.GetBucketInfoAsync()).LastRevision);
    }

    [Fact]
    public async Task A_missing_bucket_raises_bucket_not_found_for_reads_and_writes()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, create: false);
        var client = ClientBucket.NewClient(bucket);

        var read = await Assert.ThrowsAsync<NatsKvConfigNotFoundException>(() => client.GetAsync(NatsKvConfigKey.Parse("a")));
        var write = await Assert.ThrowsAsync<NatsKvConfigNotFoundException>(() => client.PutAsync(NatsKvConfigKey.Parse("a"), "1"));
        var info = await Assert.ThrowsAsync<NatsKvConfigNotFoundException>(() => client.GetBucketInfoAsync());

        Assert.Equal(bucket.Name, read.Bucket);
        Assert.All([read, write, info], missing => Assert.True(missing.Key is null && missing.Revision is null)); // the bucket is what is missing
        Assert.Contains(bucket.Name, write.Message, StringComparison.Ordinal);
        Assert.Equal(bucket.Name, info.Bucket);
    }

    [Fact]
    public async Task A_key_prefix_keeps_keys_under_it_as_a_provider_with_the_same_prefix_reads_them()
    {
        await using var b = await ClientBucket.CreateAsync(o => o.KeyPrefix = "billing.prod");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("database:host"), "db-prod");

        Assert.Equal("db-prod", Encoding.UTF8.GetString((await b.Bucket.Store.GetEntryAsync<byte[]>("billing.prod.database.host")).Value!));
        using var root = ProviderHarness.Build(b.Bucket, s => s.KeyPrefix = "billing.prod");
        Assert.Equal("db-prod", root["database:host"]);
        Assert.Equal("database.host", (await b.Client.GetAsync(NatsKvConfigKey.Parse("database:host")))!.Key);
    }
}
