namespace NatsKvConfig.IntegrationTests.Client;

public class HistoryTests
{
    [Fact]
    public async Task A_keys_history_lists_every_put_and_delete_oldest_first()
    {
        await using var b = await ClientBucket.CreateAsync();
        var r1 = await b.Client.PutAsync(NatsKvConfigKey.Parse("db:host"), "one");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("other"), "x");
        var r2 = await b.Client.PutAsync(NatsKvConfigKey.Parse("db:host"), "two");
        var r3 = await b.Client.DeleteAsync(NatsKvConfigKey.Parse("db:host"));
        var r4 = await b.Client.PutAsync(NatsKvConfigKey.Parse("db:host"), "three");

        var history = await b.Client.GetHistoryAsync(NatsKvConfigKey.Parse("db.host"));

        Assert.Equal([r1, r2, r3!.Value, r4], history.Select(e => e.Revision));
        Assert.Equal(["one", "two", null, "three"], history.Select(e => e.Value));
        Assert.Equal([NatsKvConfigOperation.Put, NatsKvConfigOperation.Put, NatsKvConfigOperation.Delete, NatsKvConfigOperation.Put], history.Select(e => e.Operation));
        Assert.All(history, e => Assert.Equal("db:host", e.Path));
        Assert.True(history.Zip(history.Skip(1)).All(p => p.First.Created <= p.Second.Created));
    }

    [Fact]
    public async Task The_history_of_a_key_never_written_is_empty()
    {
        await using var b = await ClientBucket.CreateAsync();
        await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "1");

        Assert.Empty(await b.Client.GetHistoryAsync(NatsKvConfigKey.Parse("b")));
    }

    [Fact]
    public async Task A_sections_history_is_one_timeline_of_all_its_keys()
    {
        await using var b = await ClientBucket.CreateAsync();
        await b.Client.PutAsync(NatsKvConfigKey.Parse("db:host"), "h1");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("cache:size"), "1");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("db:port"), "1");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("db"), """{"pool":5}""");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("db:host"), "h2");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("dbx"), "not in the section");

        var history = await b.Client.GetSectionHistoryAsync("db");

        Assert.Equal(["db.host", "db.port", "db", "db.host"], history.Select(e => e.Key));
        Assert.Equal(history.Select(e => e.Revision).Order(), history.Select(e => e.Revision));
        Assert.Equal(6, (await b.Client.GetSectionHistoryAsync(null)).Count);
    }

    [Fact]
    public async Task The_value_at_a_revision_comes_from_the_keys_history()
    {
        await using var b = await ClientBucket.CreateAsync();
        var r1 = await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "1");
        var other = await b.Client.PutAsync(NatsKvConfigKey.Parse("b"), "x");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "2");
        var deleted = await b.Client.DeleteAsync(NatsKvConfigKey.Parse("a"));

        Assert.Equal("1", (await b.Client.GetRevisionAsync(NatsKvConfigKey.Parse("a"), r1))!.Value);
        Assert.Null(await b.Client.GetRevisionAsync(NatsKvConfigKey.Parse("a"), other)); // a revision of another key
        var marker = await b.Client.GetRevisionAsync(NatsKvConfigKey.Parse("a"), deleted!.Value);
        Assert.Equal(NatsKvConfigOperation.Delete, marker!.Operation);
        Assert.Null(marker.Value);
    }

    [Fact]
    public async Task A_revision_older_than_the_history_kept_is_a_history_limit_error()
    {
        await using var b = await ClientBucket.CreateAsync(settings: new NatsKvBucketSettings { History = 2 });
        var r1 = await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "secret-1");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "secret-2");
        var r3 = await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "secret-3");

        var history = await b.Client.GetHistoryAsync(NatsKvConfigKey.Parse("a"));
        var exception = await Assert.ThrowsAsync<NatsKvHistoryLimitException>(() => b.Client.GetRevisionAsync(NatsKvConfigKey.Parse("a"), r1));

        Assert.Equal(2, history.Count);
        Assert.Equal("a", exception.Key);
        Assert.Equal(2, exception.HistoryDepth);
        Assert.Equal(r3 - 1, exception.OldestKeptRevision);
        Assert.Contains($"revision {r1}", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", exception.Message, StringComparison.Ordinal);
    }
}
