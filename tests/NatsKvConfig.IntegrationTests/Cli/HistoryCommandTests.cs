using System.Globalization;
using System.Text.Json;
using NatsKvConfig.IntegrationTests.Client;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Cli;

public class HistoryCommandTests
{
    [Fact]
    public async Task History_lists_every_revision_oldest_first_with_operation_and_value()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var r1 = await bucket.PutAsync("db.host", "one");
        var r2 = await bucket.PutAsync("db.host", "two");
        await bucket.DeleteAsync("db.host");

        var table = (await CliRun.Async(server.Url, "history", bucket.Name, "db:host")).Ok();
        using var json = JsonDocument.Parse((await CliRun.Async(server.Url, "--json", "history", bucket.Name, "db.host")).Ok());

        var rows = table.Split('\n').Where(l => l.Contains("db.host")).ToArray();
        Assert.Equal(3, rows.Length);
        Assert.Matches($@"^\s+{r1}\s+put\s+.*db\.host\s+one\s*$", rows[0]);
        Assert.Matches($@"^\s+{r2}\s+put\s+.*db\.host\s+two\s*$", rows[1]);
        Assert.Matches(@"\s+delete\s+", rows[2]);
        var entries = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(["put", "put", "delete"], entries.Select(e => e.GetProperty("operation").GetString()));
        Assert.Equal(["one", "two", null], entries.Select(e => e.GetProperty("value").GetString()));
    }

    [Fact]
    public async Task History_of_a_section_is_one_timeline_of_its_keys()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("db.host", "h");
        await bucket.PutAsync("other", "x");
        await bucket.PutAsync("db.port", "1");

        using var json = JsonDocument.Parse((await CliRun.Async(server.Url, "--json", "history", bucket.Name, "db", "--section")).Ok());

        Assert.Equal(["db.host", "db.port"], json.RootElement.EnumerateArray().Select(e => e.GetProperty("key").GetString()));
    }

    [Fact]
    public async Task History_of_a_key_never_written_exits_with_2()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);

        (await CliRun.Async(server.Url, "history", bucket.Name, "nope")).Fails(2);
    }

    [Fact]
    public async Task Rollback_sets_the_key_back_and_shows_the_change_as_a_diff()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var good = await bucket.PutAsync("timeout", "30");
        await bucket.PutAsync("timeout", "3000");

        var dryRun = (await CliRun.Async(server.Url, "rollback", bucket.Name, "timeout", "--to", good.ToString(CultureInfo.InvariantCulture), "--dry-run")).Ok();
        Assert.Equal("3000", (await ClientBucket.NewClient(bucket).GetAsync(NatsKvConfigKey.Parse("timeout")))!.Value);
        var output = (await CliRun.Async(server.Url, "rollback", bucket.Name, "timeout", "--to", good.ToString(CultureInfo.InvariantCulture))).Ok();

        Assert.Contains("~ timeout", dryRun);
        Assert.Contains("    - 3000", dryRun);
        Assert.Contains("    + 30", dryRun);
        Assert.Contains("nothing written", dryRun);
        Assert.Contains("now at revision 3", output);
        Assert.Equal("30", (await ClientBucket.NewClient(bucket).GetAsync(NatsKvConfigKey.Parse("timeout")))!.Value);
    }

    [Fact]
    public async Task Rollback_to_a_revision_older_than_the_history_kept_exits_with_2_saying_so()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, create: false);
        (await CliRun.Async(server.Url, "bucket", "add", bucket.Name, "--history", "2")).Ok();
        var client = ClientBucket.NewClient(bucket);
        var first = await client.PutAsync(NatsKvConfigKey.Parse("a"), "1");
        await client.PutAsync(NatsKvConfigKey.Parse("a"), "2");
        await client.PutAsync(NatsKvConfigKey.Parse("a"), "3");

        var line = (await CliRun.Async(server.Url, "rollback", bucket.Name, "a", "--to", first.ToString(CultureInfo.InvariantCulture))).Fails(2);

        Assert.Contains("older than the history", line);
        Assert.Equal("3", (await client.GetAsync(NatsKvConfigKey.Parse("a")))!.Value);
    }

    [Fact]
    public async Task Rollback_or_restore_to_a_revision_newer_than_the_bucket_exits_with_2_naming_the_last()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var last = await bucket.PutAsync("a", "1");
        var tooNew = (last + 100).ToString(CultureInfo.InvariantCulture);

        var rollback = (await CliRun.Async(server.Url, "rollback", bucket.Name, "a", "--to", tooNew)).Fails(2);
        var dryRun = (await CliRun.Async(server.Url, "rollback", bucket.Name, "a", "--to", tooNew, "--dry-run")).Fails(2);
        var restore = (await CliRun.Async(server.Url, "restore", bucket.Name, "--prefix", "", "--revision", tooNew)).Fails(2);

        Assert.Equal($"error: Revision {tooNew} is newer than the last revision of NATS KV bucket '{bucket.Name}', {last}.", rollback);
        Assert.Equal(rollback, dryRun);
        Assert.Equal(rollback, restore);
        Assert.Equal("1", (await ClientBucket.NewClient(bucket).GetAsync(NatsKvConfigKey.Parse("a")))!.Value);
    }

    [Fact]
    public async Task Rollback_to_revision_0_is_a_usage_error()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");

        (await CliRun.Async(server.Url, "rollback", bucket.Name, "a", "--to", "0")).Fails(1);
    }

    [Fact]
    public async Task Rollback_to_before_the_key_existed_exits_with_3_and_keeps_the_key()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var before = await bucket.PutAsync("other", "x");
        var current = await bucket.PutAsync("Checkout.Timeout", "00:02:00");

        var dryRun = (await CliRun.Async(server.Url, "rollback", bucket.Name, "Checkout:Timeout", "--to", before.ToString(CultureInfo.InvariantCulture), "--dry-run")).Fails(3);
        var line = (await CliRun.Async(server.Url, "rollback", bucket.Name, "Checkout:Timeout", "--to", before.ToString(CultureInfo.InvariantCulture))).Fails(3);
        var json = await CliRun.Async(server.Url, "--json", "rollback", bucket.Name, "Checkout:Timeout", "--to", before.ToString(CultureInfo.InvariantCulture));

        Assert.Equal($"error: Key 'Checkout.Timeout' of NATS KV bucket '{bucket.Name}' had no value at revision {before} (it did not exist yet): rolling it back there would delete it, which a rollback does only when asked to. Give --allow-delete to delete it.", line);
        Assert.Equal(line, dryRun);
        Assert.Equal(3, json.ExitCode);
        Assert.DoesNotContain("00:02:00", line);
        Assert.Equal(current, (await ClientBucket.NewClient(bucket).GetAsync(NatsKvConfigKey.Parse("Checkout:Timeout")))!.Revision);
    }

    [Fact]
    public async Task Rollback_with_allow_delete_deletes_a_key_that_did_not_exist_then_and_says_so()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var before = await bucket.PutAsync("other", "x");
        await bucket.PutAsync("Checkout.Timeout", "00:02:00");

        using var plan = JsonDocument.Parse((await CliRun.Async(server.Url, "--json", "rollback", bucket.Name, "Checkout:Timeout", "--to", before.ToString(CultureInfo.InvariantCulture), "--allow-delete", "--dry-run")).Ok());
        var output = (await CliRun.Async(server.Url, "rollback", bucket.Name, "Checkout:Timeout", "--to", before.ToString(CultureInfo.InvariantCulture), "--allow-delete")).Ok();

        Assert.Equal(1, plan.RootElement.GetProperty("removed").GetInt32());
        Assert.Equal(["Checkout.Timeout"], plan.RootElement.GetProperty("deletedKeys").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("- Checkout:Timeout (was 00:02:00; deletes key Checkout.Timeout)", output);
        Assert.Contains("0 added, 0 changed, 1 removed", output);
        Assert.Null(await ClientBucket.NewClient(bucket).GetAsync(NatsKvConfigKey.Parse("Checkout:Timeout")));
    }

    [Fact]
    public async Task Restore_names_in_its_plan_every_key_it_deletes()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var point = await bucket.PutAsync("db.host", "h1");
        await bucket.PutAsync("db.pool", "10");
        await bucket.PutAsync("db.Replica=2EHost", "r1");

        var dryRun = (await CliRun.Async(server.Url, "restore", bucket.Name, "--prefix", "db", "--revision", point.ToString(CultureInfo.InvariantCulture), "--dry-run")).Ok();
        using var json = JsonDocument.Parse((await CliRun.Async(server.Url, "--json", "restore", bucket.Name, "--prefix", "db", "--revision", point.ToString(CultureInfo.InvariantCulture))).Ok());

        Assert.Contains("- db:pool (was 10; deletes key db.pool)", dryRun);
        Assert.Contains("- db:Replica.Host (was r1; deletes key db.Replica=2EHost)", dryRun);
        Assert.Contains("dry run: 0 added, 0 changed, 2 removed, 1 unchanged; nothing written", dryRun);
        Assert.Equal(["db.Replica=2EHost", "db.pool"], json.RootElement.GetProperty("deletedKeys").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["db.host"], (await bucket.ReadAllAsync()).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Restore_sets_a_section_back_to_a_revision_deleting_keys_created_since()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("db.host", "h1");
        var point = await bucket.PutAsync("db.port", "5432");
        await bucket.PutAsync("db.host", "h2");
        await bucket.PutAsync("db.pool", "10");
        await bucket.PutAsync("other", "untouched");

        using var plan = JsonDocument.Parse((await CliRun.Async(server.Url, "--json", "restore", bucket.Name, "--prefix", "db", "--revision", point.ToString(CultureInfo.InvariantCulture), "--dry-run")).Ok());
        var run = (await CliRun.Async(server.Url, "restore", bucket.Name, "--prefix", "db", "--revision", point.ToString(CultureInfo.InvariantCulture))).Ok();

        Assert.True(plan.RootElement.GetProperty("dryRun").GetBoolean());
        Assert.Equal(1, plan.RootElement.GetProperty("updated").GetInt32());
        Assert.Equal(1, plan.RootElement.GetProperty("removed").GetInt32());
        Assert.Contains("- db:pool", run);
        var values = await bucket.ReadAllAsync();
        Assert.Equal("h1", values["db.host"]);
        Assert.Equal("5432", values["db.port"]);
        Assert.False(values.ContainsKey("db.pool"));
        Assert.Equal("untouched", values["other"]);
    }

    [Fact]
    public async Task Restore_at_a_time_uses_the_values_of_that_moment()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var client = ClientBucket.NewClient(bucket);
        await client.PutAsync(NatsKvConfigKey.Parse("app:mode"), "calm");
        var then = (await client.GetAsync(NatsKvConfigKey.Parse("app:mode")))!.Created;
        await Eventually.TrueAsync(() => DateTimeOffset.UtcNow > then.AddMilliseconds(50), "the clock moved past the first write");
        await client.PutAsync(NatsKvConfigKey.Parse("app:mode"), "panic");

        (await CliRun.Async(server.Url, "restore", bucket.Name, "--prefix", "app", "--at", then.AddMilliseconds(1).ToString("O"))).Ok();

        Assert.Equal("calm", (await client.GetAsync(NatsKvConfigKey.Parse("app:mode")))!.Value);
    }

    [Fact]
    public async Task Restore_needs_exactly_one_point()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);

        var none = (await CliRun.Async(server.Url, "restore", bucket.Name, "--prefix", "db")).Fails(1);
        var both = (await CliRun.Async(server.Url, "restore", bucket.Name, "--prefix", "db", "--revision", "1", "--at", "5m")).Fails(1);

        Assert.Contains("exactly one of --revision N or --at TIME", none);
        Assert.Contains("exactly one of --revision N or --at TIME", both);
    }
}
