using System.Globalization;
using System.Text.Json;
using NatsKvConfig.IntegrationTests.Client;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Cli;

public class KeyCommandTests
{
    [Fact]
    public async Task Put_by_configuration_path_and_get_by_key_are_the_same_entry()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);

        var put = (await CliRun.Async(server.Url, "put", bucket.Name, "database:host", "db1.internal")).Ok();
        var get = (await CliRun.Async(server.Url, "get", bucket.Name, "database.host")).Ok();

        Assert.Equal("database.host revision 1", put.Trim());
        var lines = get.TrimEnd('\n').Split('\n');
        Assert.Equal("db1.internal", lines[^1]);
        Assert.Contains("database.host (database:host) revision 1, put", lines[0]);
        Assert.Equal("db1.internal", (await ClientBucket.NewClient(bucket).GetAsync(NatsKvConfigKey.Parse("database:host")))!.Value);
    }

    [Fact]
    public async Task Tables_print_no_blank_line_and_no_trailing_space()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        (await CliRun.Async(server.Url, "put", bucket.Name, "a", "1")).Ok();
        (await CliRun.Async(server.Url, "put", bucket.Name, "long.name.of.a.key", "a longer value")).Ok();

        foreach (var command in new[] { new[] { "ls", bucket.Name }, ["history", bucket.Name, "a"], ["bucket", "info", bucket.Name] })
        {
            var lines = (await CliRun.Async(server.Url, command)).Ok().ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
            Assert.All(lines, line => Assert.False(line.Length == 0 || line.EndsWith(' '), $"'{string.Join(' ', command)}' printed a blank or space-padded line: '{line}'"));
            Assert.True(lines.Length >= 3, $"'{string.Join(' ', command)}' printed {lines.Length} lines");
        }
    }

    [Fact]
    public async Task Put_of_json_that_apps_keep_as_a_string_warns_naming_the_limit_but_not_the_value()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var wide = "[" + string.Join(",", Enumerable.Repeat("7", 20_000)) + "]";

        var human = await CliRun.Async(server.Url, "put", bucket.Name, "app:ids", wide);
        var json = await CliRun.Async(server.Url, "--json", "put", bucket.Name, "app:ports", "[80,81]");
        var jsonOverLimit = await CliRun.Async(server.Url, "--json", "put", bucket.Name, "app:ids", wide);

        Assert.Equal("app.ids revision 1\n", human.Ok().ReplaceLineEndings("\n"));
        Assert.Equal("warning: the value of 'app:ids' was written, but it is JSON that would expand past the limit MaxPaths = 10000, so apps keep it as one plain string\n", human.Err.ReplaceLineEndings("\n"));
        using var plain = JsonDocument.Parse(json.Ok());
        Assert.Empty(plain.RootElement.GetProperty("warnings").EnumerateArray());
        using var warned = JsonDocument.Parse(jsonOverLimit.Ok());
        var warning = Assert.Single(warned.RootElement.GetProperty("warnings").EnumerateArray()).GetString();
        Assert.Contains("MaxPaths = 10000", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("7,7", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_raw_prints_only_the_value_and_json_prints_the_whole_entry()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var revision = await bucket.PutAsync("features.checkout", """{"enabled": true}""");

        var raw = (await CliRun.Async(server.Url, "get", bucket.Name, "features:checkout", "--raw")).Ok();
        using var json = JsonDocument.Parse((await CliRun.Async(server.Url, "--json", "get", bucket.Name, "features.checkout")).Ok());

        Assert.Equal("""{"enabled": true}""", raw);
        var entry = json.RootElement;
        Assert.Equal(bucket.Name, entry.GetProperty("bucket").GetString());
        Assert.Equal("features.checkout", entry.GetProperty("key").GetString());
        Assert.Equal("features:checkout", entry.GetProperty("path").GetString());
        Assert.Equal(revision, entry.GetProperty("revision").GetUInt64());
        Assert.Equal("put", entry.GetProperty("operation").GetString());
        Assert.Equal("""{"enabled": true}""", entry.GetProperty("value").GetString());
        Assert.True(DateTimeOffset.UtcNow - entry.GetProperty("created").GetDateTimeOffset() < TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task Get_with_a_revision_reads_the_value_from_the_history()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var first = await bucket.PutAsync("a", "one");
        await bucket.PutAsync("a", "two");

        var raw = (await CliRun.Async(server.Url, "get", bucket.Name, "a", "--revision", first.ToString(CultureInfo.InvariantCulture), "--raw")).Ok();
        var missing = (await CliRun.Async(server.Url, "get", bucket.Name, "a", "--revision", "999")).Fails(2);

        Assert.Equal("one", raw);
        Assert.Contains("no revision 999", missing);
    }

    [Fact]
    public async Task Get_of_a_missing_key_or_bucket_exits_with_2()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);

        var key = (await CliRun.Async(server.Url, "get", bucket.Name, "nope")).Fails(2);
        var missingBucket = (await CliRun.Async(server.Url, "get", "no_such_bucket_cli", "a")).Fails(2);

        Assert.Contains("'nope'", key);
        Assert.Contains("'no_such_bucket_cli' does not exist", missingBucket);
    }

    [Fact]
    public async Task Put_with_the_expected_revision_writes_and_with_another_exits_with_3_naming_both()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var current = await bucket.PutAsync("a", "1");

        var ok = (await CliRun.Async(server.Url, "--json", "put", bucket.Name, "a", "2", "--expect-revision", current.ToString(CultureInfo.InvariantCulture))).Ok();
        var conflict = (await CliRun.Async(server.Url, "put", bucket.Name, "a", "value-that-lost-zq", "--expect-revision", current.ToString(CultureInfo.InvariantCulture))).Fails(3);

        using var json = JsonDocument.Parse(ok);
        var written = json.RootElement.GetProperty("revision").GetUInt64();
        Assert.True(written > current);
        Assert.Contains($"at revision {written}", conflict);
        Assert.Contains($"expected revision {current}", conflict);
        Assert.DoesNotContain("value-that-lost-zq", conflict); // keys and revisions, never values
        Assert.Equal("2", (await ClientBucket.NewClient(bucket).GetAsync(NatsKvConfigKey.Parse("a")))!.Value);
    }

    [Fact]
    public async Task Put_expecting_revision_0_creates_only()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);

        (await CliRun.Async(server.Url, "put", bucket.Name, "a", "first", "--expect-revision", "0")).Ok();
        (await CliRun.Async(server.Url, "put", bucket.Name, "a", "second", "--expect-revision", "0")).Fails(3);

        Assert.Equal("first", (await ClientBucket.NewClient(bucket).GetAsync(NatsKvConfigKey.Parse("a")))!.Value);
    }

    [Fact]
    public async Task Put_reads_the_value_from_standard_input_for_a_dash()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var env = new Dictionary<string, string> { ["NATS_URL"] = server.Url };

        (await CliRun.Async(env, "{\n  \"a\": 1\n}\n", "put", bucket.Name, "doc", "-")).Ok();

        Assert.Equal("{\n  \"a\": 1\n}\n", (await ClientBucket.NewClient(bucket).GetAsync(NatsKvConfigKey.Parse("doc")))!.Value);
    }

    [Fact]
    public async Task Put_of_an_invalid_key_exits_with_1_naming_the_allowed_characters()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);

        var line = (await CliRun.Async(server.Url, "put", bucket.Name, "bad key!", "x")).Fails(1);

        Assert.Contains("'bad key!'", line);
        Assert.Contains("A-Z a-z 0-9", line);
    }

    [Fact]
    public async Task Ls_lists_live_keys_under_a_prefix_in_key_order()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("db.port", "5432");
        await bucket.PutAsync("db.host", "h");
        await bucket.PutAsync("db.gone", "x");
        await bucket.DeleteAsync("db.gone");
        await bucket.PutAsync("web.port", "80");

        var table = (await CliRun.Async(server.Url, "ls", bucket.Name, "--prefix", "db")).Ok();
        using var json = JsonDocument.Parse((await CliRun.Async(server.Url, "--json", "ls", bucket.Name)).Ok());

        var rows = table.Split('\n').Where(l => l.Contains("db.", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, rows.Length);
        Assert.Matches(@"^\s+db\.host\s+2\s+.*\s+h\s*$", rows[0]);
        Assert.Matches(@"^\s+db\.port\s+1\s+.*\s+5432\s*$", rows[1]);
        Assert.Equal(["db.host", "db.port", "web.port"], json.RootElement.EnumerateArray().Select(e => e.GetProperty("key").GetString()));
    }

    [Fact]
    public async Task Del_deletes_keeps_history_and_reports_a_missing_key_with_2()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");

        var deleted = (await CliRun.Async(server.Url, "del", bucket.Name, "a")).Ok();
        var again = (await CliRun.Async(server.Url, "del", bucket.Name, "a")).Fails(2);

        Assert.StartsWith("a deleted at revision 2", deleted);
        Assert.Contains("nothing to delete", again);
        Assert.Null(await ClientBucket.NewClient(bucket).GetAsync(NatsKvConfigKey.Parse("a")));
        Assert.Equal(2, (await ClientBucket.NewClient(bucket).GetHistoryAsync(NatsKvConfigKey.Parse("a"))).Count);
    }

    [Fact]
    public async Task Del_with_a_stale_expected_revision_exits_with_3_and_deletes_nothing()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var old = await bucket.PutAsync("a", "1");
        await bucket.PutAsync("a", "2");

        (await CliRun.Async(server.Url, "del", bucket.Name, "a", "--expect-revision", old.ToString(CultureInfo.InvariantCulture))).Fails(3);

        Assert.Equal("2", (await ClientBucket.NewClient(bucket).GetAsync(NatsKvConfigKey.Parse("a")))!.Value);
    }

    [Fact]
    public async Task Del_purge_removes_the_history_too()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        await bucket.PutAsync("a", "2");

        (await CliRun.Async(server.Url, "del", bucket.Name, "a", "--purge")).Ok();

        var history = await ClientBucket.NewClient(bucket).GetHistoryAsync(NatsKvConfigKey.Parse("a"));
        Assert.Equal(NatsKvConfigOperation.Purge, Assert.Single(history).Operation);
    }
}
