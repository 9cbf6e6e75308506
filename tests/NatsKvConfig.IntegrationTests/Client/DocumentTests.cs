using System.Text;
using Microsoft.Extensions.Configuration;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Client;

public class DocumentTests
{
    /// <summary>The appsettings.json of <c>dotnet new web</c>.</summary>
    private const string AspNetDefault = """
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

    private static IConfigurationRoot ReadJson(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    private static Dictionary<string, string?> Paths(IConfiguration configuration) =>
        configuration.AsEnumerable().Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

    [Fact]
    public async Task The_default_aspnet_appsettings_imports_and_a_provider_reads_the_dotted_log_category()
    {
        await using var b = await ClientBucket.CreateAsync();

        var result = await b.Client.ImportAsync(AspNetDefault);

        Assert.Equal(["AllowedHosts", "Logging.LogLevel.Default", "Logging.LogLevel.Microsoft=2EAspNetCore"], result.Plan.Added.Select(c => c.Key));
        using var root = ProviderHarness.Build(b.Bucket);
        Assert.Equal("Warning", root["Logging:LogLevel:Microsoft.AspNetCore"]);
        Assert.Equal("Information", root["Logging:LogLevel:Default"]);
        Assert.Equal("*", root["AllowedHosts"]);
        Assert.Equal(Paths(ReadJson(AspNetDefault)), Paths(root));
    }

    [Fact]
    public async Task Exporting_what_was_imported_gives_the_same_paths_and_values()
    {
        await using var b = await ClientBucket.CreateAsync();
        const string document = """
            {
              // comments and trailing commas, as appsettings.json allows
              "Service": { "Name": "billing", "Port": 8080, "Enabled": true, "Ratio": 0.5, "Tags": ["a", "b"], "Empty": [], "Nothing": null, "NoChildren": {} },
              "Logging": { "LogLevel": { "Microsoft.AspNetCore": "Warning", "Default": "Information", } },
              "Unicode": "héllo wörld ✓",
              "Servers": [ { "Host": "h1" }, { "Host": "h2" } ]
            }
            """;
        await b.Client.ImportAsync(document);

        var export = await b.Client.ExportAsync();

        var original = ReadJson(document).AsEnumerable().ToDictionary(p => p.Key, p => p.Value);
        var exported = ReadJson(export.Json).AsEnumerable().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(original.OrderBy(p => p.Key, StringComparer.Ordinal), exported.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Empty(export.SkippedPaths);
        Assert.Empty(export.SkippedKeys);
        Assert.Contains("\"Tags\": [", export.Json, StringComparison.Ordinal);
        Assert.Contains("\"Port\": 8080", export.Json, StringComparison.Ordinal);
        Assert.Contains("\"Enabled\": true", export.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_under_a_section_and_export_of_that_section_round_trip()
    {
        await using var b = await ClientBucket.CreateAsync();
        await b.Client.PutAsync(NatsKvConfigKey.Parse("other"), "x");

        await b.Client.ImportAsync(AspNetDefault, new NatsKvConfigImportOptions { Section = "apps:web" });
        var export = await b.Client.ExportAsync("apps:web");

        Assert.Equal("Warning", (await b.Client.GetAsync(NatsKvConfigKey.Parse("apps:web:Logging:LogLevel:Microsoft.AspNetCore")))!.Value);
        Assert.Equal(Paths(ReadJson(AspNetDefault)), Paths(ReadJson(export.Json)));
        Assert.Equal(3, export.PathCount);
        Assert.Equal("apps:web", export.Section);
    }

    [Fact]
    public async Task Merge_keeps_keys_the_document_lacks_and_replace_deletes_them()
    {
        await using var b = await ClientBucket.CreateAsync();
        await b.Client.PutAsync(NatsKvConfigKey.Parse("AllowedHosts"), "example.com");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("Extra:Key"), "keep me?");

        var merged = await b.Client.ImportAsync(AspNetDefault);
        Assert.Equal(["AllowedHosts"], merged.Plan.Updated.Select(c => c.Key));
        Assert.Empty(merged.Plan.Removed);
        Assert.Equal("keep me?", (await b.Client.GetAsync(NatsKvConfigKey.Parse("Extra:Key")))!.Value);

        var replaced = await b.Client.ImportAsync(AspNetDefault, new NatsKvConfigImportOptions { Replace = true });
        Assert.Equal(["Extra.Key"], replaced.Plan.Removed.Select(c => c.Key));
        Assert.Equal(3, replaced.Plan.Unchanged);
        Assert.Null(await b.Client.GetAsync(NatsKvConfigKey.Parse("Extra:Key")));
    }

    [Fact]
    public async Task A_dry_run_and_a_diff_list_the_changes_and_write_nothing()
    {
        await using var b = await ClientBucket.CreateAsync();
        await b.Client.ImportAsync(AspNetDefault);
        await b.Client.PutAsync(NatsKvConfigKey.Parse("Stale"), "old");
        var revision = (await b.Client.GetBucketInfoAsync()).LastRevision;
        var changed = AspNetDefault.Replace("\"*\"", "\"example.com\"", StringComparison.Ordinal).Replace("\"AllowedHosts\"", "\"New\": \"1\", \"AllowedHosts\"", StringComparison.Ordinal);

        var plan = await b.Client.PlanImportAsync(changed);
        var diff = await b.Client.DiffAsync(changed);

        Assert.Equal(["New"], plan.Added.Select(c => c.Key));
        Assert.Equal(["AllowedHosts"], plan.Updated.Select(c => c.Key));
        Assert.Equal(("*", "example.com"), (plan.Updated[0].OldValue, plan.Updated[0].NewValue));
        Assert.Empty(plan.Removed);
        Assert.Equal(["Stale"], diff.Removed.Select(c => c.Key));
        Assert.Equal(2, diff.Unchanged);
        Assert.Equal(revision, (await b.Client.GetBucketInfoAsync()).LastRevision);
    }

    [Fact]
    public async Task A_large_import_reports_progress_up_to_the_total()
    {
        await using var b = await ClientBucket.CreateAsync(o => o.MaxConcurrentWrites = 8);
        var document = "{" + string.Join(",", Enumerable.Range(0, 300).Select(i => $"\"k{i}\": {{ \"v\": {i} }}")) + "}";
        var reports = new System.Collections.Concurrent.ConcurrentBag<NatsKvConfigProgress>();

        var result = await b.Client.ImportAsync(document, progress: new SynchronousProgress(reports.Add));

        Assert.Equal(300, result.Plan.Added.Count);
        Assert.Equal(300, reports.Count);
        Assert.Equal(Enumerable.Range(1, 300), reports.Select(r => r.Completed).Order());
        Assert.All(reports, r => Assert.Equal(300, r.Total));
        Assert.Equal(300, (await b.Client.GetBucketInfoAsync()).Keys);
    }

    [Fact]
    public async Task An_invalid_document_is_refused_saying_where_but_never_what()
    {
        await using var b = await ClientBucket.CreateAsync();

        var broken = await Assert.ThrowsAsync<FormatException>(() => b.Client.ImportAsync("{\n \"a\": \"secret-value\" \"b\": 1 }"));
        var notObject = await Assert.ThrowsAsync<FormatException>(() => b.Client.ImportAsync("[\"secret-value\"]"));
        var repeated = await Assert.ThrowsAsync<FormatException>(() => b.Client.ImportAsync("{\"a\": \"secret-value\", \"A\": \"x\"}"));

        Assert.Contains("line 2", broken.Message, StringComparison.Ordinal);
        Assert.Contains("array", notObject.Message, StringComparison.Ordinal);
        Assert.Contains("repeats", repeated.Message, StringComparison.Ordinal);
        Assert.All([broken, notObject, repeated], e => Assert.DoesNotContain("secret-value", e.ToString(), StringComparison.Ordinal));
        Assert.Equal(0UL, (await b.Client.GetBucketInfoAsync()).LastRevision);
    }

    [Fact]
    public async Task A_plan_only_applies_through_a_client_of_its_bucket_and_key_prefix()
    {
        await using var b = await ClientBucket.CreateAsync(o => o.KeyPrefix = "app");
        var plan = await b.Client.PlanImportAsync(AspNetDefault);
        var unprefixed = ClientBucket.NewClient(b.Bucket);

        var exception = await Assert.ThrowsAsync<ArgumentException>(() => unprefixed.ApplyAsync(plan));
        var result = await b.Client.ApplyAsync(plan);

        Assert.Equal("plan", exception.ParamName);
        Assert.Equal(3, result.Plan.Added.Count);
        Assert.Contains("app.AllowedHosts", (await b.Bucket.ReadAllAsync()).Keys);
    }

    [Fact]
    public async Task Export_skips_a_value_that_sits_beside_children_and_says_so()
    {
        await using var b = await ClientBucket.CreateAsync();
        await b.Client.PutAsync(NatsKvConfigKey.Parse("a"), "value");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("a:b"), "child");

        var export = await b.Client.ExportAsync();

        Assert.Equal(["a"], export.SkippedPaths);
        Assert.Equal("child", ReadJson(export.Json)["a:b"]);
    }
}
