using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests;

public class LoadTests
{
    public sealed class DatabaseOptions
    {
        public string Host { get; set; } = "";

        public int Port { get; set; }

        public List<string> Replicas { get; set; } = [];
    }

    [Fact]
    public async Task Loads_dotted_keys_json_values_and_escaped_segments_as_configuration_paths()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("database.host", "db.internal");
        await bucket.PutAsync("database.port", "5432");
        await bucket.PutAsync("database.replicas.0", "r1");
        await bucket.PutAsync("features.new_ui", """{"enabled":true,"rollout":50,"allowed_users":["admin"]}""");
        await bucket.PutAsync(NatsKvKeyMapper.ToKey("Logging:LogLevel:Microsoft.AspNetCore"), "Warning");

        using var root = ProviderHarness.Build(bucket);

        var options = root.GetSection("database").Get<DatabaseOptions>()!;
        Assert.Equal("db.internal", options.Host);
        Assert.Equal(5432, options.Port);
        Assert.Equal(["r1"], options.Replicas);
        Assert.Equal("True", root["features:new_ui:enabled"]);
        Assert.Equal("50", root["features:new_ui:rollout"]);
        Assert.Equal("admin", root["features:new_ui:allowed_users:0"]);
        Assert.Equal("Warning", root["Logging:LogLevel:Microsoft.AspNetCore"]);
        Assert.Equal(["database", "features", "Logging"], root.GetChildren().Select(c => c.Key).Order(StringComparer.OrdinalIgnoreCase));

        var provider = root.Provider();
        Assert.True(provider.IsLoaded);
        Assert.Equal(5UL, provider.AppliedRevision);
        await Eventually.TrueAsync(() => provider.IsCaughtUp, "the provider reports it is caught up");
        Assert.True(provider.IsConnected);
    }

    [Fact]
    public async Task The_initial_load_knows_from_the_server_which_revision_ends_the_initial_state()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("app.a", "1");
        var last = await bucket.PutAsync("app.b", "2");
        await bucket.PutAsync("other.c", "3");
        var logs = new CapturingLoggerProvider();

        using var root = ProviderHarness.Build(bucket, s => s.KeyPrefix = "app", logs.CreateFactory());

        // Not only the watch's Delta == 0, which nats-server can report early (nats-server #4824).
        var reading = Assert.Single(logs.Ours, e => e.EventId == 1005);
        Assert.Contains($"ends at revision {last} (known from the server: True)", reading.Message, StringComparison.Ordinal);
        Assert.Equal("2", root["b"]);
    }

    [Fact]
    public async Task A_bucket_holding_one_message_per_key_is_read_as_its_whole_stream_with_the_same_configuration_as_key_by_key()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, history: 1);
        await bucket.PutAsync("app.a", "old");
        await bucket.PutAsync("app.a", "new"); // history 1: the older message is gone
        await bucket.PutAsync("app.gone", "x");
        await bucket.DeleteAsync("app.gone"); // its delete marker is now its one message
        await bucket.PutAsync("app.db", """{"host":"h","port":5432}""");
        await bucket.PutAsync("other.b", "outside the prefix");
        var logs = new CapturingLoggerProvider();

        using var root = ProviderHarness.Build(bucket, s => s.KeyPrefix = "app", logs.CreateFactory());

        var reading = Assert.Single(logs.Ours, e => e.EventId == 1005);
        Assert.Contains("one message per key: True", reading.Message, StringComparison.Ordinal);
        Assert.Equal(
            [new("a", "new"), new("db", null), new("db:host", "h"), new("db:port", "5432")],
            root.AsEnumerable().OrderBy(pair => pair.Key, StringComparer.Ordinal).ToArray<KeyValuePair<string, string?>>());

        // The watch goes on from there as any other: live changes still arrive.
        await bucket.PutAsync("app.a", "newer");
        await bucket.PutAsync("app.gone", "back");
        await Eventually.TrueAsync(() => root["a"] == "newer" && root["gone"] == "back", "changes after the whole-stream read are applied");
    }

    // NATS.Net's watch keeps the arrays behind its channels as large as the backlog a fast read built, for as long
    // as it runs: after a large full read the provider follows the bucket with a new watch, resumed right after what
    // it read. Changes written meanwhile must all arrive.
    [Fact]
    public async Task After_a_large_full_read_a_new_watch_follows_from_the_next_revision_and_no_change_written_meanwhile_is_lost()
    {
        const int Keys = 1_500;
        const int Changes = 3_000;
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, history: 1);
        for (var start = 0; start < Keys; start += 250)
        {
            await Task.WhenAll(Enumerable.Range(start, 250).Select(i => bucket.PutAsync($"k.{i}", "v0").AsTask()));
        }

        var logs = new CapturingLoggerProvider();
        var writer = Task.Run(async () =>
        {
            for (var change = 1; change <= Changes; change++)
            {
                await bucket.PutAsync($"k.{change % Keys}", $"v{change}");
            }
        });

        using var root = ProviderHarness.Build(bucket, logs: logs.CreateFactory());
        var provider = root.Provider();
        Assert.True(provider.IsLoaded);
        await writer;

        var expected = await bucket.ReadAllAsync();
        await Eventually.TrueAsync(
            () => expected.All(pair => root[pair.Key.Replace('.', ':')] == pair.Value),
            () => $"every change written during the load is applied ({expected.Count(pair => root[pair.Key.Replace('.', ':')] != pair.Value)} of {expected.Count} differ)");

        // The read's consumer (the whole stream, or each key's last message) is gone; what follows the bucket resumes
        // at a sequence (NATS.Net's own restarts of a watch resume that way too, and may leave a consumer behind).
        var js = new NATS.Client.JetStream.NatsJSContext(bucket.Connection);
        var policies = new List<NATS.Client.JetStream.Models.ConsumerConfigDeliverPolicy>();
        await Eventually.TrueAsync(
            async () =>
            {
                // By name, then each one's info: NATS.Net's listing of infos fails on a consumer deleted as it lists.
                policies.Clear();
                await foreach (var name in js.ListConsumerNamesAsync($"KV_{bucket.Name}"))
                {
                    try
                    {
                        policies.Add((await js.GetConsumerAsync($"KV_{bucket.Name}", name)).Info.Config.DeliverPolicy);
                    }
                    catch (Exception exception) when (exception is NATS.Client.JetStream.NatsJSApiException or NATS.Client.Core.NatsDeserializeException)
                    {
                        // Deleted since it was listed (nats-server 2.9's answer for it does not parse as a consumer's info).
                    }
                }

                return policies.Count > 0 && policies.All(policy => policy == NATS.Client.JetStream.Models.ConsumerConfigDeliverPolicy.ByStartSequence);
            },
            () => $"only consumers resumed at a sequence remain (the stream's consumers: {string.Join(", ", policies)})");
        Assert.True(provider.IsCaughtUp);
        Assert.False(logs.Has(3001), "no watch failed");
    }

    [Fact]
    public async Task A_bucket_holding_older_revisions_of_a_key_is_read_key_by_key()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, history: 5);
        await bucket.PutAsync("a", "1");
        await bucket.PutAsync("a", "2");
        await bucket.PutAsync("b", "3");
        var logs = new CapturingLoggerProvider();

        using var root = ProviderHarness.Build(bucket, logs: logs.CreateFactory());

        var reading = Assert.Single(logs.Ours, e => e.EventId == 1005);
        Assert.Contains("one message per key: False", reading.Message, StringComparison.Ordinal);
        Assert.Equal("2", root["a"]);
        Assert.Equal("3", root["b"]);
    }

    [Fact]
    public async Task An_empty_bucket_loads_at_once_as_empty_configuration()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);

        using var root = ProviderHarness.Build(bucket, s => s.StartupTimeout = TimeSpan.FromSeconds(30));

        Assert.Empty(root.AsEnumerable());
        Assert.True(root.Provider().IsLoaded);
    }

    [Fact]
    public async Task An_empty_value_is_an_empty_string_and_a_deleted_key_is_absent()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("empty", "");
        await bucket.PutAsync("gone", "x");
        await bucket.DeleteAsync("gone");

        using var root = ProviderHarness.Build(bucket);

        Assert.Equal("", root["empty"]);
        Assert.Null(root["gone"]);
        Assert.DoesNotContain(root.AsEnumerable(), pair => pair.Key == "gone");
    }

    [Fact]
    public async Task A_key_prefix_loads_only_keys_under_it_with_the_prefix_trimmed()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("billing.prod.database.host", "billing-db");
        await bucket.PutAsync("orders.prod.database.host", "orders-db");
        await bucket.PutAsync("billing.prodx.database.host", "not-mine");

        using var root = ProviderHarness.Build(bucket, s => s.KeyPrefix = "billing.prod");

        Assert.Equal("billing-db", root["database:host"]);
        Assert.Single(root.AsEnumerable(), pair => pair.Value is not null);

        // Live changes outside the prefix are not even delivered; inside it they are.
        var reloads = root.CountReloads();
        await bucket.PutAsync("orders.prod.database.host", "orders-db-2");
        await bucket.PutAsync("billing.prod.database.host", "billing-db-2");
        await Eventually.TrueAsync(() => root["database:host"] == "billing-db-2" && reloads() >= 1, "the prefixed change arrives");
        Assert.Equal(1, reloads());
    }

    [Fact]
    public async Task Binds_options_through_dependency_injection_and_reloads_them_live()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("database.host", "first");

        using var root = ProviderHarness.Build(bucket);
        await using var services = new ServiceCollection()
            .Configure<DatabaseOptions>(root.GetSection("database"))
            .BuildServiceProvider();
        var monitor = services.GetRequiredService<IOptionsMonitor<DatabaseOptions>>();
        var seen = new List<string>();
        using var subscription = monitor.OnChange(o =>
        {
            lock (seen)
            {
                seen.Add(o.Host);
            }
        });
        Assert.Equal("first", monitor.CurrentValue.Host);

        await bucket.PutAsync("database.host", "second");

        // IOptionsMonitor rebuilds CurrentValue before it calls listeners, so wait for the listener itself.
        await Eventually.TrueAsync(() => { lock (seen) { return seen.Contains("second"); } }, "the OnChange listener is called with the new host");
        Assert.Equal("second", monitor.CurrentValue.Host);
    }

    [Fact]
    public async Task Load_does_not_deadlock_under_a_single_threaded_synchronisation_context()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");

        string? value = null;
        var thread = new Thread(() =>
        {
            SynchronizationContext.SetSynchronizationContext(new SingleThreadedContext());
            using var root = ProviderHarness.Build(bucket);
            value = root["a"];
        });
        thread.Start();

        Assert.True(thread.Join(TimeSpan.FromSeconds(30)), "Build() under a synchronisation context never returned");
        Assert.Equal("1", value);
    }

    // A context that, like a UI thread's, only runs posted work when its own thread pumps it (here: never).
    private sealed class SingleThreadedContext : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state)
        {
            // Dropped: any continuation that needed this context would hang the test.
        }
    }
}
