using System.Globalization;
using System.Text.Json;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Cli;

/// <summary>The session: one setting stays one key, whatever case it is typed in on the command line.</summary>
public sealed class KeyCaseCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nkc-case-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Put_in_another_case_after_an_import_updates_the_imported_key_and_rollback_reaches_the_imported_value()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var appsettings = Path.Combine(_directory, "appsettings.json");
        File.WriteAllText(appsettings, """{"Database": {"Host": "h1"}}""");

        (await CliRun.Async(server.Url, "import", bucket.Name, appsettings)).Ok();
        var put = await CliRun.Async(server.Url, "put", bucket.Name, "database.host", "h2");
        using var history = JsonDocument.Parse((await CliRun.Async(server.Url, "--json", "history", bucket.Name, "database:host")).Ok());
        var first = history.RootElement[0].GetProperty("revision").GetUInt64();
        var rollback = (await CliRun.Async(server.Url, "rollback", bucket.Name, "DATABASE.HOST", "--to", first.ToString(CultureInfo.InvariantCulture))).Ok();

        Assert.Equal("Database.Host revision 2\n", put.Ok().ReplaceLineEndings("\n"));
        Assert.Equal(string.Empty, put.Err);
        Assert.Equal(["h1", "h2"], history.RootElement.EnumerateArray().Select(e => e.GetProperty("value").GetString()));
        Assert.All(history.RootElement.EnumerateArray(), e => Assert.Equal("Database.Host", e.GetProperty("key").GetString()));
        Assert.Contains("~ Database:Host", rollback);
        Assert.Equal(new Dictionary<string, string> { ["Database.Host"] = "h1" }, await bucket.ReadAllAsync());
    }

    [Fact]
    public async Task Get_and_del_in_another_case_act_on_the_key_the_bucket_holds()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("Feature.Flag", "on");

        var get = (await CliRun.Async(server.Url, "get", bucket.Name, "feature:flag", "--raw")).Ok();
        var del = (await CliRun.Async(server.Url, "del", bucket.Name, "FEATURE.FLAG")).Ok();

        Assert.Equal("on", get);
        Assert.StartsWith("Feature.Flag deleted at revision 2", del);
        Assert.Empty(await bucket.ReadAllAsync());
    }

    [Fact]
    public async Task Where_two_keys_collide_put_writes_the_one_apps_read_and_warns_about_the_other()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("Database.Host", "h1");
        await bucket.PutAsync("database.host", "h2");

        var human = await CliRun.Async(server.Url, "put", bucket.Name, "DATABASE:HOST", "h3");
        var json = await CliRun.Async(server.Url, "--json", "put", bucket.Name, "Database:HOST", "h4");
        using var written = JsonDocument.Parse(json.Ok());

        Assert.Equal("database.host revision 3\n", human.Ok().ReplaceLineEndings("\n"));
        Assert.Equal("warning: configuration path 'database:host' is also held by key 'Database.Host' (keys differing only in case); used 'database.host', the one apps read\n", human.Err.ReplaceLineEndings("\n"));
        Assert.Equal(string.Empty, json.Err);
        Assert.Equal("database.host", written.RootElement.GetProperty("key").GetString());
        Assert.Equal(["Database.Host"], written.RootElement.GetProperty("otherKeys").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("'Database.Host'", Assert.Single(written.RootElement.GetProperty("warnings").EnumerateArray()).GetString());
        Assert.Equal(new Dictionary<string, string> { ["Database.Host"] = "h1", ["database.host"] = "h4" }, await bucket.ReadAllAsync());
    }

    [Fact]
    public async Task Where_two_keys_collide_put_of_the_older_spelling_exactly_still_writes_the_one_apps_read_and_warns()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("Database.Host", "h1");
        await bucket.PutAsync("database.host", "h2");

        var human = await CliRun.Async(server.Url, "put", bucket.Name, "Database.Host", "h3");

        Assert.Equal("database.host revision 3\n", human.Ok().ReplaceLineEndings("\n"));
        Assert.Contains("'Database.Host'", human.Err, StringComparison.Ordinal);
        Assert.StartsWith("warning: ", human.Err, StringComparison.Ordinal);
        Assert.Equal(new Dictionary<string, string> { ["Database.Host"] = "h1", ["database.host"] = "h3" }, await bucket.ReadAllAsync());
    }

    [Fact]
    public async Task An_import_over_colliding_keys_warns_on_standard_error_and_in_json()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("Database.Host", "h1");
        await bucket.PutAsync("database.host", "h2");
        var appsettings = Path.Combine(_directory, "appsettings.json");
        File.WriteAllText(appsettings, """{"Database": {"Host": "h3"}}""");

        var dryRun = await CliRun.Async(server.Url, "--json", "import", bucket.Name, appsettings, "--dry-run");
        var run = await CliRun.Async(server.Url, "import", bucket.Name, appsettings);
        using var plan = JsonDocument.Parse(dryRun.Ok());

        Assert.Contains("~ database:host", run.Ok());
        Assert.Contains("warning: configuration path 'database:host' is also held by key 'Database.Host'", run.Err);
        var collision = Assert.Single(plan.RootElement.GetProperty("collisions").EnumerateArray());
        Assert.Equal("database.host", collision.GetProperty("key").GetString());
        Assert.Equal(["Database.Host"], collision.GetProperty("otherKeys").EnumerateArray().Select(e => e.GetString()));
        Assert.Single(plan.RootElement.GetProperty("warnings").EnumerateArray());
        Assert.Equal("h3", (await bucket.ReadAllAsync())["database.host"]);
    }
}
