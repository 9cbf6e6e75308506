using System.Text.Json;
using Microsoft.Extensions.Configuration;
using NatsKvConfig.IntegrationTests.Client;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests;

/// <summary>
/// A value that would expand past the limits, against a real server: an app watching the bucket stays small and
/// goes on, and the client's reads show what the app serves.
/// </summary>
[Collection(nameof(MeasuresProcessMemory))]
public class JsonExpansionLimitsTests
{
    // Appears in values only: no log line may ever contain it.
    private const string Secret = "s3cr3t";

    /// <summary>
    /// <c>{"s3cr3tAAA…":[0,0,…]}</c>: every path repeats the long name. Unbounded, the 30 KB one grew a watching
    /// process by 193 MB, and the 1 MiB one would need more than 100 GB.
    /// </summary>
    private static string LongNameOverNumbers(int nameLength, int count) =>
        "{\"" + Secret + new string('A', nameLength - Secret.Length) + "\":[" + string.Join(",", Enumerable.Repeat("0", count)) + "]}";

    public static TheoryData<string, int> Bombs => new()
    {
        { "30 KB", 10_000 },
        { "1 MiB", 500_000 },
    };

    [Theory]
    [MemberData(nameof(Bombs))]
    public async Task A_value_that_would_expand_to_gigabytes_leaves_a_watching_app_small_and_a_later_put_applies(string size, int count)
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("app.port", "80");
        var bomb = LongNameOverNumbers(10_000, count);
        var logs = new CapturingLoggerProvider();
        using var root = ProviderHarness.Build(bucket, logs: logs.CreateFactory());
        Assert.Equal("80", root["app:port"]);

        var retainedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var revision = await bucket.PutAsync("bomb", bomb);
        await bucket.PutAsync("app.port", "81");
        await Eventually.TrueAsync(() => root["app:port"] == "81", "the put after the value applies");
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var retained = GC.GetTotalMemory(forceFullCollection: true) - retainedBefore;

        // The value is served as the plain string it is; nothing else appeared.
        Assert.Equal(bomb, root["bomb"]);
        Assert.Equal(["app", "bomb"], root.GetChildren().Select(c => c.Key).Order(StringComparer.Ordinal));
        Assert.Empty(root.GetSection("bomb").GetChildren());

        // Bounded: receiving the message, parsing it once, and the limits' worth of paths at most (unbounded, the
        // 30 KB value alone kept 193 MB). What the process keeps also counts whatever other tests left behind.
        Assert.True(allocated < 64L * 1024 * 1024, $"{size}: the process allocated {allocated:N0} bytes while the value arrived");
        Assert.True(retained < 64L * 1024 * 1024, $"{size}: the process kept {retained:N0} more bytes");

        var warning = Assert.Single(logs.Ours, e => e.EventId == 2005);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("'bomb'", warning.Message, StringComparison.Ordinal);
        Assert.Contains($"revision {revision}", warning.Message, StringComparison.Ordinal);
        Assert.Contains("MaxPathLength = 1024", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Entries, e => e.Everything.Contains(Secret, StringComparison.Ordinal) || e.Everything.Contains("AAAA", StringComparison.Ordinal));
        Assert.False(logs.Has(4003), "the apply loop crashed");
    }

    [Fact]
    public async Task The_client_s_section_read_and_export_show_an_over_limit_value_as_the_provider_serves_it()
    {
        await using var store = await ClientBucket.CreateAsync();
        var wide = "[" + string.Join(",", Enumerable.Range(0, 20_000)) + "]";
        await store.Client.PutAsync(NatsKvConfigKey.Parse("app.ids"), wide);
        await store.Client.PutAsync(NatsKvConfigKey.Parse("app.ports"), "[80,81]");
        using var app = ProviderHarness.Build(store.Bucket);
        await using var raisedStore = await ClientBucket.CreateAsync(o => o.JsonExpansionLimits = JsonExpansionLimits.Default with { MaxPaths = 20_000 });

        var section = await store.Client.GetSectionAsync("app");
        var export = await store.Client.ExportAsync("app");

        Assert.Equal(wide, app["app:ids"]);
        Assert.Equal(app["app:ids"], section["ids"]);
        Assert.Equal("81", section["ports:1"]);
        using var document = JsonDocument.Parse(export.Json);
        Assert.Equal(wide, document.RootElement.GetProperty("ids").GetString());
        Assert.Equal(81, document.RootElement.GetProperty("ports")[1].GetInt32());

        // Limits raised on both sides: the app and the tools expand it alike.
        await raisedStore.Client.PutAsync(NatsKvConfigKey.Parse("app.ids"), wide);
        using var raisedApp = ProviderHarness.Build(raisedStore.Bucket, s => s.JsonExpansionLimits = JsonExpansionLimits.Default with { MaxPaths = 20_000 });
        var raisedSection = await raisedStore.Client.GetSectionAsync("app");
        Assert.Equal("19999", raisedApp["app:ids:19999"]);
        Assert.Equal("19999", raisedSection["ids:19999"]);
    }

    [Fact]
    public async Task An_import_past_the_limits_is_refused_naming_the_limit_and_writes_nothing()
    {
        await using var store = await ClientBucket.CreateAsync();
        var document = "{\"App\":" + LongNameOverNumbers(2_000, 100) + "}";

        var exception = await Assert.ThrowsAsync<FormatException>(() => store.Client.ImportAsync(document));

        Assert.Contains("MaxPathLength = 1024", exception.Message, StringComparison.Ordinal);
        Assert.Contains("JsonExpansionLimits", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, exception.Message, StringComparison.Ordinal);
        Assert.Empty(await store.Client.ListAsync());
    }
}
