using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests;

public class LiveReloadTests
{
    [Fact]
    public async Task A_put_and_a_delete_are_applied_live_with_one_reload_each()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        using var root = ProviderHarness.Build(bucket);
        var reloads = root.CountReloads();

        var revision = await bucket.PutAsync("a", "2");
        await Eventually.TrueAsync(() => root["a"] == "2" && reloads() == 1, "the put is applied and announced");
        Assert.Equal(revision, root.Provider().AppliedRevision);

        await bucket.DeleteAsync("a");
        await Eventually.TrueAsync(() => root["a"] is null && reloads() == 2, "the delete is applied and announced");
    }

    [Fact]
    public async Task A_json_value_replaced_by_a_smaller_one_leaves_no_stale_children()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("servers", """["a","b","c"]""");
        using var root = ProviderHarness.Build(bucket);
        Assert.Equal("c", root["servers:2"]);

        await bucket.PutAsync("servers", """["x"]""");

        await Eventually.TrueAsync(() => root["servers:0"] == "x", "the new list arrives");
        Assert.Null(root["servers:1"]);
        Assert.Null(root["servers:2"]);
        Assert.Equal(["x"], root.GetSection("servers").Get<string[]>()!);
    }

    [Fact]
    public async Task Writes_racing_the_initial_load_are_all_applied()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        for (var i = 0; i < 500; i++)
        {
            await bucket.PutAsync($"k.{i % 50}", $"seed-{i}");
        }

        using var stopWriting = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var i = 0;
            while (!stopWriting.IsCancellationRequested && i < 2_000)
            {
                await bucket.PutAsync($"k.{i % 80}", $"race-{i}");
                i++;
            }
        });

        using var root = ProviderHarness.Build(bucket);
        await Task.Delay(50); // let writes continue past the load for a moment (not a synchronisation)
        await stopWriting.CancelAsync();
        await writer;

        var expected = await bucket.ReadAllAsync();
        await Eventually.TrueAsync(
            () => expected.All(pair => root[NatsKvKeyMapper.ToPath(pair.Key)] == pair.Value),
            "every write made during and after the load is applied");
        Assert.Equal(expected.Count, root.AsEnumerable().Count(pair => pair.Value is not null));
    }

    [Fact]
    public async Task A_burst_of_5000_puts_ends_in_the_exact_final_state_with_coalesced_reloads_and_readers_never_go_back()
    {
        const int Keys = 20;
        const int Puts = 5_000;
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        using var root = ProviderHarness.Build(bucket);
        var reloads = root.CountReloads();

        // Readers check that no key's value ever goes back to an older write while the burst is applied.
        using var stopReading = new CancellationTokenSource();
        var violations = new ConcurrentBag<string>();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            var last = new int[Keys];
            while (!stopReading.IsCancellationRequested)
            {
                for (var k = 0; k < Keys; k++)
                {
                    if (root[$"burst:{k}"] is { } text)
                    {
                        var value = int.Parse(text, CultureInfo.InvariantCulture);
                        if (value < last[k])
                        {
                            violations.Add($"key {k}: {value} after {last[k]}");
                        }

                        last[k] = value;
                    }
                }

                await Task.Yield(); // pace the readers so they do not starve the writer on a small machine
            }
        })).ToArray();

        // As fast as NATS takes them, a few hundred in flight at a time.
        for (var start = 1; start <= Puts; start += 250)
        {
            await Task.WhenAll(Enumerable.Range(start, Math.Min(250, Puts - start + 1))
                .Select(i => bucket.PutAsync($"burst.{i % Keys}", i.ToString(CultureInfo.InvariantCulture)).AsTask()));
        }

        var expected = await bucket.ReadAllAsync();
        await Eventually.TrueAsync(
            () => expected.All(pair => root[NatsKvKeyMapper.ToPath(pair.Key)] == pair.Value) && reloads() >= 1,
            "the provider holds the bucket's final state (and has announced it: the view is swapped before the reload)");
        await stopReading.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Empty(violations);
        Assert.InRange(reloads(), 1, Puts / 5);
        Assert.Equal(Keys, root.GetSection("burst").GetChildren().Count());
    }

    [Fact]
    public async Task A_listener_that_throws_does_not_stop_the_watcher()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var logs = new CapturingLoggerProvider();
        using var root = ProviderHarness.Build(bucket, logs: logs.CreateFactory());
        using var throwing = ChangeToken.OnChange(root.GetReloadToken, () => throw new InvalidOperationException("listener failed"));

        await bucket.PutAsync("a", "1");
        await Eventually.TrueAsync(() => root["a"] == "1", "the first change arrives");
        await Eventually.TrueAsync(() => logs.Has(4001), "the listener's failure is logged");

        await bucket.PutAsync("a", "2");
        await Eventually.TrueAsync(() => root["a"] == "2", "later changes still arrive");
    }

    [Fact]
    public async Task Options_the_binder_cannot_convert_without_KeepLastValidOnReload_are_logged_by_path_and_type_never_by_value()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("server.port", "80");
        var logs = new CapturingLoggerProvider();
        using var root = ProviderHarness.Build(bucket, logs: logs.CreateFactory());
        var services = new ServiceCollection();
        services.AddOptions<PortOptions>().Bind(root.GetSection("server"));
        services.AddSingleton<IConfiguration>(root);
        using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<PortOptions>>();
        Assert.Equal(80, monitor.CurrentValue.Port);

        // The framework's monitor rebinds inside the provider's reload and throws the binder's exception, which
        // quotes the value: it must reach the log as path and type only.
        await bucket.PutAsync("server.port", "80 s3cr3t");
        await Eventually.TrueAsync(() => logs.Has(4005), "the failed rebind is logged");

        var logged = Assert.Single(logs.Ours, e => e.EventId == 4005);
        Assert.Contains("'server:port'", logged.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("System.Int32", logged.Message, StringComparison.Ordinal);
        Assert.Null(logged.Exception);
        Assert.False(logs.Has(4001));
        Assert.DoesNotContain(logs.Entries, e => e.Everything.Contains("s3cr3t", StringComparison.Ordinal));

        // Until the reload of the good value has run its callbacks, the framework's cache may still hold the failed
        // build and rethrow it: wait for the monitor, not for the configuration.
        await bucket.PutAsync("server.port", "81");
        await Eventually.TrueAsync(() => PortOrNull(monitor) == 81, "a good value reaches the options");
        Assert.DoesNotContain(logs.Entries, e => e.Everything.Contains("s3cr3t", StringComparison.Ordinal));
    }

    private static int? PortOrNull(IOptionsMonitor<PortOptions> monitor)
    {
        try
        {
            return monitor.CurrentValue.Port;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public sealed class PortOptions
    {
        public int Port { get; set; }
    }

    [Fact]
    public async Task Malformed_keys_and_values_are_skipped_with_warnings_that_never_show_the_value()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("good", "kept");
        var logs = new CapturingLoggerProvider();
        using var root = ProviderHarness.Build(bucket, logs: logs.CreateFactory());

        await bucket.PutAsync("bad.=ZZ", "secret-one");
        await bucket.PutBytesAsync("good", [0xC3, 0x28]);
        await bucket.PutAsync("json", "{secret-two");
        await bucket.PutAsync("after", "arrives");

        await Eventually.TrueAsync(() => root["after"] == "arrives", "entries after the bad ones are applied");
        Assert.Equal("kept", root["good"]);
        Assert.Equal("{secret-two", root["json"]);

        // A batch's warnings are logged just after its view is swapped in: wait for them too.
        await Eventually.TrueAsync(() => logs.Has(2001), "the malformed key is warned about");
        await Eventually.TrueAsync(() => logs.Has(2002), "the invalid UTF-8 is warned about");
        await Eventually.TrueAsync(() => logs.Has(2003), "the invalid JSON is warned about");
        Assert.DoesNotContain(logs.Entries, e => e.Everything.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Keys_differing_only_in_case_resolve_to_the_newest_with_a_warning_naming_both()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("Feature.Flag", "old");
        await bucket.PutAsync("feature.flag", "new");
        var logs = new CapturingLoggerProvider();

        using var root = ProviderHarness.Build(bucket, logs: logs.CreateFactory());

        Assert.Equal("new", root["feature:flag"]);
        var warning = Assert.Single(logs.Ours, e => e.EventId == 2004);
        Assert.Contains("'Feature.Flag'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("'feature.flag'", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_reload_on_change_off_the_configuration_stays_as_loaded()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        using var root = ProviderHarness.Build(bucket, s => s.ReloadOnChange = false);
        var reloads = root.CountReloads();

        await bucket.PutAsync("a", "2");
        await bucket.PutAsync("marker", "x");

        // A second provider with live reload proves the changes were delivered by now.
        using var live = ProviderHarness.Build(bucket);
        Assert.Equal("x", live["marker"]);
        Assert.Equal("1", root["a"]);
        Assert.Equal(0, reloads());
    }

    [Fact]
    public async Task A_reload_delay_folds_a_burst_into_few_reloads()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        using var root = ProviderHarness.Build(bucket, s => s.ReloadDelay = TimeSpan.FromMilliseconds(300));
        var reloads = root.CountReloads();

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => bucket.PutAsync($"d.{i}", "v").AsTask()));

        await Eventually.TrueAsync(() => root.GetSection("d").GetChildren().Count() == 200 && reloads() >= 1, "the burst is applied and announced");
        Assert.InRange(reloads(), 1, 10);
    }
}
