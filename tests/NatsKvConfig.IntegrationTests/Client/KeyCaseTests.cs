using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Client;

/// <summary>One setting is one key, whatever case its path is typed in (issue 11, part 3).</summary>
public class KeyCaseTests
{
    [Fact]
    public async Task A_put_in_another_case_updates_the_imported_key_instead_of_adding_a_second_one()
    {
        await using var b = await ClientBucket.CreateAsync();
        var imported = await b.Client.ImportAsync("""{"Database": {"Host": "h1"}}""");

        var revision = await b.Client.PutAsync(NatsKvConfigKey.Parse("database.host"), "h2");

        Assert.Equal(["Database.Host"], (await b.Bucket.ReadAllAsync()).Keys);
        Assert.Equal("h2", (await b.Bucket.ReadAllAsync())["Database.Host"]);
        Assert.True(revision > imported.LastRevision);
        var history = await b.Client.GetHistoryAsync(NatsKvConfigKey.Parse("database:host"));
        Assert.Equal(["h1", "h2"], history.Select(e => e.Value));
        Assert.All(history, e => Assert.Equal("Database.Host", e.Key));
    }

    [Fact]
    public async Task Get_history_and_rollback_reach_the_key_whatever_case_the_path_is_typed_in()
    {
        await using var b = await ClientBucket.CreateAsync();
        var first = await b.Bucket.PutAsync("Checkout.Timeout", "00:00:30");
        await b.Bucket.PutAsync("Checkout.Timeout", "00:02:00");

        var entry = await b.Client.GetAsync(NatsKvConfigKey.Parse("checkout:timeout"));
        var old = await b.Client.GetRevisionAsync(NatsKvConfigKey.Parse("CHECKOUT.TIMEOUT"), first);
        var result = await b.Client.RollbackAsync(NatsKvConfigKey.Parse("checkout.timeout"), first);

        Assert.Equal("Checkout.Timeout", entry!.Key);
        Assert.Equal("00:02:00", entry.Value);
        Assert.Equal("00:00:30", old!.Value);
        Assert.Equal("Checkout.Timeout", Assert.Single(result.Plan.Changes).Key);
        Assert.Equal("Checkout:Timeout", result.Plan.Section);
        Assert.Equal(new Dictionary<string, string> { ["Checkout.Timeout"] = "00:00:30" }, await b.Bucket.ReadAllAsync());
    }

    [Fact]
    public async Task Create_update_delete_and_purge_act_on_the_key_the_bucket_holds()
    {
        await using var b = await ClientBucket.CreateAsync();
        var r1 = await b.Bucket.PutAsync("Feature.Flag", "on");

        var exists = await Assert.ThrowsAsync<NatsKvRevisionConflictException>(() => b.Client.CreateAsync(NatsKvConfigKey.Parse("feature:flag"), "x"));
        var conflict = await Assert.ThrowsAsync<NatsKvRevisionConflictException>(() => b.Client.UpdateAsync(NatsKvConfigKey.Parse("FEATURE.FLAG"), "x", 0));
        var r2 = await b.Client.UpdateAsync(NatsKvConfigKey.Parse("feature.flag"), "off", r1);
        var deleted = await b.Client.DeleteAsync(NatsKvConfigKey.Parse("feature:flag"));
        var recreated = await b.Client.CreateAsync(NatsKvConfigKey.Parse("feature:flag"), "again");
        var purged = await b.Client.PurgeAsync(NatsKvConfigKey.Parse("feature.flag"));

        Assert.Equal("Feature.Flag", exists.Key);
        Assert.Equal(r1, conflict.ActualRevision);
        Assert.True(deleted > r2);
        Assert.True(recreated > deleted);
        Assert.True(purged > recreated);
        var history = await b.Client.GetHistoryAsync(NatsKvConfigKey.Parse("Feature.Flag"));
        Assert.Equal(NatsKvConfigOperation.Purge, Assert.Single(history).Operation);
        Assert.Empty(await b.Bucket.ReadAllAsync());
        Assert.Empty(await b.Client.GetHistoryAsync(NatsKvConfigKey.Parse("feature.flag.other")));
    }

    [Fact]
    public async Task A_deleted_key_still_holds_its_setting_so_a_put_in_another_case_brings_it_back_with_its_history()
    {
        await using var b = await ClientBucket.CreateAsync();
        var first = await b.Bucket.PutAsync("Database.Host", "h1");
        await b.Bucket.DeleteAsync("Database.Host");

        await b.Client.PutAsync(NatsKvConfigKey.Parse("database:host"), "h2");

        Assert.Equal(["Database.Host"], (await b.Bucket.ReadAllAsync()).Keys);
        var history = await b.Client.GetHistoryAsync(NatsKvConfigKey.Parse("DATABASE:HOST"));
        Assert.Equal([NatsKvConfigOperation.Put, NatsKvConfigOperation.Delete, NatsKvConfigOperation.Put], history.Select(e => e.Operation));
        Assert.Equal(first, history[0].Revision);
    }

    [Fact]
    public async Task A_key_no_key_holds_yet_is_created_as_typed_and_escapes_compare_as_paths()
    {
        await using var b = await ClientBucket.CreateAsync();
        await b.Bucket.PutAsync("Logging.LogLevel.Microsoft=2EAspNetCore", "Warning");
        await b.Bucket.PutAsync("Database.Port", "5432");

        await b.Client.PutAsync(NatsKvConfigKey.Parse("logging:loglevel:microsoft.aspnetcore"), "Error");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("database:host"), "h1");
        var resolution = await b.Client.ResolveKeyAsync(NatsKvConfigKey.Parse("database:user"));

        var values = await b.Bucket.ReadAllAsync();
        Assert.Equal("Error", values["Logging.LogLevel.Microsoft=2EAspNetCore"]);
        Assert.Equal("h1", values["database.host"]);
        Assert.Equal(3, values.Count);
        Assert.Equal("database.user", resolution.Key.Key);
        Assert.Null(resolution.Entry);
        Assert.False(resolution.IsRedirected);
        Assert.False(resolution.HasCollision);
    }

    [Fact]
    public async Task Where_two_keys_already_collide_a_write_goes_to_the_one_apps_read_and_names_the_other()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = logs.CreateFactory();
        await using var b = await ClientBucket.CreateAsync(o => o.LoggerFactory = factory);
        await b.Bucket.PutAsync("Database.Host", "h1-secret");
        var seen = await b.Bucket.PutAsync("database.host", "h2-secret");

        var resolution = await b.Client.ResolveKeyAsync(NatsKvConfigKey.Parse("DATABASE:HOST"));
        await b.Client.PutAsync(NatsKvConfigKey.Parse("Database:HOST"), "h3-secret");

        Assert.Equal("database.host", resolution.Key.Key);
        Assert.Equal(seen, resolution.Entry!.Revision);
        Assert.Equal(["Database.Host"], resolution.OtherKeys);
        Assert.True(resolution.HasCollision);
        Assert.True(resolution.IsRedirected);
        Assert.Equal("DATABASE.HOST -> database.host (also: Database.Host)", resolution.ToString());
        var values = await b.Bucket.ReadAllAsync();
        Assert.Equal("h1-secret", values["Database.Host"]);
        Assert.Equal("h3-secret", values["database.host"]);
        Assert.Contains(logs.Ours, e => e.EventId == 8005 && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("'Database.Host'", StringComparison.Ordinal));
        new SecretScan().Add(logs).AssertNowhere("secret", minimumSources: 1);
    }

    [Fact]
    public async Task A_live_key_wins_over_a_newer_deleted_one_that_holds_the_same_path()
    {
        await using var b = await ClientBucket.CreateAsync();
        await b.Bucket.PutAsync("Database.Host", "h1");
        await b.Bucket.PutAsync("DATABASE.HOST", "old");
        await b.Bucket.DeleteAsync("DATABASE.HOST");

        var resolution = await b.Client.ResolveKeyAsync(NatsKvConfigKey.Parse("database:host"));

        Assert.Equal("Database.Host", resolution.Key.Key);
        Assert.Equal(["DATABASE.HOST"], resolution.OtherKeys);
        Assert.Equal("h1", (await b.Client.GetAsync(NatsKvConfigKey.Parse("database:host")))!.Value);
    }

    [Fact]
    public async Task An_import_writes_each_path_to_the_key_held_in_another_case_and_a_replace_does_not_delete_it()
    {
        await using var b = await ClientBucket.CreateAsync();
        var held = await b.Bucket.PutAsync("database.host", "h1");
        await b.Bucket.PutAsync("stale", "x");

        var plan = await b.Client.PlanImportAsync("""{"Database": {"Host": "h2", "Port": "5432"}}""", new NatsKvConfigImportOptions { Replace = true });
        await b.Client.ApplyAsync(plan);

        var update = Assert.Single(plan.Updated);
        Assert.Equal("database.host", update.Key);
        Assert.Equal(held, update.ExpectedRevision);
        Assert.Equal(["Database.Port"], plan.Added.Select(c => c.Key));
        Assert.Equal(["stale"], plan.Removed.Select(c => c.Key));
        Assert.Empty(plan.Collisions);
        Assert.Equal(new Dictionary<string, string> { ["database.host"] = "h2", ["Database.Port"] = "5432" }, await b.Bucket.ReadAllAsync());
    }

    [Fact]
    public async Task An_import_over_colliding_keys_writes_the_one_apps_read_and_reports_the_collision_in_its_result()
    {
        await using var b = await ClientBucket.CreateAsync();
        await b.Bucket.PutAsync("Database.Host", "h1");
        await b.Bucket.PutAsync("database.host", "h2");

        var result = await b.Client.ImportAsync("""{"Database": {"Host": "h3"}}""", new NatsKvConfigImportOptions { Replace = true });

        Assert.Equal("database.host", Assert.Single(result.Plan.Changes).Key);
        var collision = Assert.Single(result.Plan.Collisions);
        Assert.Equal("database.host", collision.Key.Key);
        Assert.Equal(["Database.Host"], collision.OtherKeys);
        Assert.Equal(new Dictionary<string, string> { ["Database.Host"] = "h1", ["database.host"] = "h3" }, await b.Bucket.ReadAllAsync());
    }

    [Fact]
    public async Task A_section_written_in_another_case_updates_the_keys_the_bucket_holds()
    {
        await using var b = await ClientBucket.CreateAsync();
        await b.Bucket.PutAsync("Database.Host", "h1");

        var result = await b.Client.PutSectionAsync("database", new DatabaseOptions { Host = "h2", Port = 5432 });

        Assert.Equal(["Database.Host"], result.Plan.Updated.Select(c => c.Key));
        Assert.Equal(["database.Port"], result.Plan.Added.Select(c => c.Key));
        Assert.Equal(new Dictionary<string, string> { ["Database.Host"] = "h2", ["database.Port"] = "5432" }, await b.Bucket.ReadAllAsync());
    }

    [Fact]
    public async Task A_restore_plan_reports_the_paths_two_of_its_keys_hold()
    {
        await using var b = await ClientBucket.CreateAsync();
        var point = await b.Bucket.PutAsync("Database.Host", "h1");
        await b.Bucket.PutAsync("database.host", "h2");

        var plan = await b.Client.PlanSectionRollbackAsync(null, NatsKvHistoryPoint.AtRevision(point));

        Assert.Equal(["database.host"], plan.Removed.Select(c => c.Key));
        var collision = Assert.Single(plan.Collisions);
        Assert.Equal("database.host", collision.Key.Key);
        Assert.Equal(["Database.Host"], collision.OtherKeys);
    }

    [Fact]
    public async Task Keys_resolve_only_among_the_keys_under_the_client_key_prefix()
    {
        await using var b = await ClientBucket.CreateAsync(o => o.KeyPrefix = "app");
        await b.Bucket.PutAsync("app.Database.Host", "mine");
        await b.Bucket.PutAsync("other.database.user", "theirs");

        await b.Client.PutAsync(NatsKvConfigKey.Parse("database:host"), "mine2");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("database:user"), "mine3");

        Assert.Equal(
            new Dictionary<string, string> { ["app.Database.Host"] = "mine2", ["app.database.user"] = "mine3", ["other.database.user"] = "theirs" },
            await b.Bucket.ReadAllAsync());
    }

    private sealed class DatabaseOptions
    {
        public string? Host { get; set; }

        public int Port { get; set; }
    }
}
