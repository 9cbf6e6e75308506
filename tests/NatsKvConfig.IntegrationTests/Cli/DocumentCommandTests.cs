using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Cli;

public sealed class DocumentCommandTests : IDisposable
{
    // What `dotnet new web` writes: its Microsoft.AspNetCore category is one configuration segment with a dot.
    private const string AspNetDefaults = """
        {
          "Logging": {
            "LogLevel": {
              "Default": "Information",
              "Microsoft.AspNetCore": "Warning"
            }
          },
          "AllowedHosts": "*"
        }
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("nkc-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Importing_the_AspNet_default_appsettings_gives_a_provider_the_same_configuration()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var file = Write("appsettings.json", AspNetDefaults);

        var output = (await CliRun.Async(server.Url, "import", bucket.Name, file)).Ok();

        Assert.Contains("+ Logging:LogLevel:Microsoft.AspNetCore = Warning", output);
        Assert.Contains("3 added, 0 changed, 0 removed", output);
        using var root = ProviderHarness.Build(bucket);
        Assert.Equal(FromJson(AspNetDefaults), Flatten(root));
        Assert.Equal("Warning", root["Logging:LogLevel:Microsoft.AspNetCore"]);
    }

    [Fact]
    public async Task Import_under_a_prefix_with_replace_deletes_only_what_the_document_no_longer_has_there()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("svc.old", "stale");
        await bucket.PutAsync("elsewhere", "kept");
        var file = Write("svc.json", """{"timeout": "30s", "retries": 3}""");

        using var json = JsonDocument.Parse((await CliRun.Async(server.Url, "--json", "import", bucket.Name, file, "--prefix", "svc", "--replace")).Ok());

        Assert.Equal(2, json.RootElement.GetProperty("added").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("removed").GetInt32());
        var values = await bucket.ReadAllAsync();
        Assert.Equal(new Dictionary<string, string> { ["svc.timeout"] = "30s", ["svc.retries"] = "3", ["elsewhere"] = "kept" }, values);
    }

    [Fact]
    public async Task Import_with_a_sentinel_bumps_it_after_the_values()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var file = Write("appsettings.json", AspNetDefaults);

        (await CliRun.Async(server.Url, "--sentinel", "config.version", "import", bucket.Name, file)).Ok();

        var sentinel = await bucket.Store.GetEntryAsync<string>("config.version");
        var newest = 0UL;
        foreach (var key in new[] { "AllowedHosts", "Logging.LogLevel.Default" })
        {
            newest = Math.Max(newest, (await bucket.Store.GetEntryAsync<string>(key)).Revision);
        }

        Assert.True(sentinel.Revision > newest, $"sentinel at {sentinel.Revision}, values up to {newest}");
    }

    [Fact]
    public async Task Import_dry_run_shows_the_changes_and_writes_nothing()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("AllowedHosts", "example.com");
        var file = Write("appsettings.json", AspNetDefaults);

        var output = (await CliRun.Async(server.Url, "import", bucket.Name, file, "--dry-run")).Ok();

        Assert.Contains("~ AllowedHosts", output);
        Assert.Contains("    - example.com", output);
        Assert.Contains("    + *", output);
        Assert.Contains("dry run: 2 added, 1 changed, 0 removed", output);
        Assert.Equal(new Dictionary<string, string> { ["AllowedHosts"] = "example.com" }, await bucket.ReadAllAsync());
    }

    [Fact]
    public async Task Importing_a_large_file_reports_progress_on_standard_error()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var document = new StringBuilder("{");
        for (var i = 0; i < 1000; i++)
        {
            document.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"\"key{i:D4}\": \"value {i}\"");
        }

        var file = Write("large.json", document.Append('}').ToString());

        var run = await CliRun.Async(server.Url, "import", bucket.Name, file);

        run.Ok();
        Assert.Contains("importing 1000/1000 (100%)", run.Err);
        Assert.True(run.Err.Split('\n').Count(l => l.StartsWith("importing ", StringComparison.Ordinal)) >= 5, run.Err);
        Assert.Equal(1000, (await bucket.ReadAllAsync()).Count);
    }

    [Fact]
    public async Task Importing_a_file_that_is_not_json_exits_with_1_and_writes_nothing()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var file = Write("broken.json", """{"a": "secret-value-zq", """);

        var line = (await CliRun.Async(server.Url, "import", bucket.Name, file)).Fails(1);

        Assert.DoesNotContain("secret-value-zq", line);
        Assert.Empty(await bucket.ReadAllAsync());
    }

    [Fact]
    public async Task Import_of_a_missing_file_exits_with_1_naming_it()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);

        var line = (await CliRun.Async(server.Url, "import", bucket.Name, Path.Combine(_directory, "nope.json"))).Fails(1);

        Assert.Contains("nope.json' does not exist", line);
    }

    [Fact]
    public async Task Export_of_what_was_imported_gives_the_same_paths_and_values()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        const string document = """
            {"Logging": {"LogLevel": {"Default": "Information", "Microsoft.AspNetCore": "Warning"}},
             "Servers": ["a", "b"], "Limits": {"Max": 10, "Ratio": 0.5, "On": true, "Empty": ""}}
            """;
        (await CliRun.Async(server.Url, "import", bucket.Name, Write("in.json", document))).Ok();

        var exported = (await CliRun.Async(server.Url, "export", bucket.Name)).Ok();
        var outFile = Path.Combine(_directory, "out.json");
        var run = await CliRun.Async(server.Url, "export", bucket.Name, "-o", outFile);

        Assert.Equal(FromJson(document), FromJson(exported));
        run.Ok();
        Assert.Equal(FromJson(document), FromJson(File.ReadAllText(outFile)));
        Assert.Contains($"to {outFile}", run.Err);
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public async Task Export_of_a_prefix_gives_that_section_only()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("db.host", "h");
        await bucket.PutAsync("web.port", "80");

        var exported = (await CliRun.Async(server.Url, "export", bucket.Name, "--prefix", "db")).Ok();

        Assert.Equal(new Dictionary<string, string?> { ["host"] = "h" }, FromJson(exported));
    }

    [Fact]
    public async Task Diff_shows_added_changed_and_equal_keys_and_writes_nothing()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("Logging.LogLevel.Default", "Debug");
        await bucket.PutAsync("AllowedHosts", "*");
        var file = Write("appsettings.json", AspNetDefaults);

        var human = (await CliRun.Async(server.Url, "diff", bucket.Name, file)).Ok();
        using var json = JsonDocument.Parse((await CliRun.Async(server.Url, "--json", "diff", bucket.Name, file)).Ok());

        Assert.Contains("+ Logging:LogLevel:Microsoft.AspNetCore = Warning", human);
        Assert.Contains("~ Logging:LogLevel:Default", human);
        Assert.Contains("1 added, 1 changed, 0 removed, 1 unchanged", human);
        Assert.Equal(1, json.RootElement.GetProperty("added").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("updated").GetInt32());
        Assert.Equal("Debug", (await bucket.ReadAllAsync())["Logging.LogLevel.Default"]);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static Dictionary<string, string?> FromJson(string json) =>
        Flatten(new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build());

    private static Dictionary<string, string?> Flatten(IConfiguration configuration) =>
        configuration.AsEnumerable().Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value);
}
