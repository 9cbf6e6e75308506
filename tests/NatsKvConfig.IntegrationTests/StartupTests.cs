using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests;

public class StartupTests
{
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public void An_unreachable_server_fails_within_the_startup_timeout_naming_bucket_and_servers_but_no_credentials()
    {
        var port = FreePort();
        var stopwatch = Stopwatch.StartNew();

        var exception = Assert.Throws<NatsKvConfigurationException>(() => ProviderHarness.Build(
            "orders",
            $"nats://alice:hunter2@127.0.0.1:{port}",
            s => s.StartupTimeout = TimeSpan.FromSeconds(2)));

        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.Contains("'orders'", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"nats://127.0.0.1:{port}", exception.Message, StringComparison.Ordinal);
        Assert.Equal("orders", exception.Bucket);
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("alice", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_comma_separated_url_list_connects_to_whichever_server_answers()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");

        using var root = ProviderHarness.Build(bucket.Name, $"nats://127.0.0.1:{FreePort()}, {server.Url}");

        Assert.Equal("1", root["a"]);
        Assert.True(root.Provider().IsConnected);
    }

    [Fact]
    public async Task A_missing_bucket_fails_naming_the_bucket()
    {
        var server = await SharedNatsServer.GetAsync();

        var exception = Assert.Throws<NatsKvConfigurationException>(() => ProviderHarness.Build(
            "no_such_bucket",
            server.Url,
            s => s.StartupTimeout = TimeSpan.FromSeconds(2)));

        Assert.Contains("'no_such_bucket'", exception.Message, StringComparison.Ordinal);
        Assert.Contains(server.Url, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_settings_are_refused_naming_the_setting()
    {
        var builder = new ConfigurationBuilder();

        var badName = Assert.Throws<ArgumentException>(() => builder.AddNatsKv("bad name"));
        Assert.Contains("not a valid NATS KV bucket name", badName.Message, StringComparison.Ordinal);
        Assert.Equal("bucket", badName.ParamName);
        var badPrefix = Assert.Throws<ArgumentException>(() => builder.AddNatsKv("b", s => s.KeyPrefix = "a..b"));
        Assert.Contains("KeyPrefix", badPrefix.Message, StringComparison.Ordinal);
        Assert.Equal("configure", badPrefix.ParamName);
        var noBucket = Assert.Throws<ArgumentException>(() => builder.AddNatsKv(_ => { }));
        Assert.Contains("Bucket", noBucket.Message, StringComparison.Ordinal);
        Assert.Equal("configure", noBucket.ParamName);
    }

    [Fact]
    public async Task An_optional_source_starts_empty_before_the_server_exists_and_loads_when_it_appears()
    {
        var port = FreePort();
        var bucketName = BucketNames.Unique("late");
        var logs = new CapturingLoggerProvider();

        using var root = ProviderHarness.Build(bucketName, $"nats://127.0.0.1:{port}", s =>
        {
            s.Optional = true;
            s.OnWatchException = _ => TimeSpan.FromMilliseconds(100);
        }, logs.CreateFactory());
        var reloads = root.CountReloads();

        Assert.Empty(root.AsEnumerable());
        Assert.False(root.Provider().IsLoaded);
        Assert.True(logs.Has(1002), "the optional source says it starts empty");

        await using var server = await NatsServer.StartAsync(new NatsServerOptions { Port = port, ForceLocalProcess = true });
        await using var bucket = await TestBucket.CreateAsync(server.Url, name: bucketName);
        await bucket.PutAsync("database.host", "arrived");

        // The view is swapped before the reload is raised: wait for both.
        await Eventually.TrueAsync(() => root["database:host"] == "arrived" && reloads() >= 1, "the late bucket is loaded and a reload announces it");
        Assert.True(root.Provider().IsLoaded);
    }

    [Fact]
    public async Task OnLoadException_can_ignore_a_failure_and_the_provider_keeps_trying()
    {
        var server = await SharedNatsServer.GetAsync();
        var bucketName = BucketNames.Unique("ignored");
        NatsKvLoadExceptionContext? seen = null;

        using var root = ProviderHarness.Build(bucketName, server.Url, s =>
        {
            s.StartupTimeout = TimeSpan.FromSeconds(2);
            s.OnWatchException = _ => TimeSpan.FromMilliseconds(100);
            s.OnLoadException = context =>
            {
                seen = context;
                context.Ignore = true;
            };
        });

        Assert.NotNull(seen);
        Assert.IsType<NatsKvConfigurationException>(seen.Exception);
        Assert.Empty(root.AsEnumerable());

        await using var bucket = await TestBucket.CreateAsync(server.Url, name: bucketName);
        await bucket.PutAsync("a", "1");
        await Eventually.TrueAsync(() => root["a"] == "1", "the bucket created later is loaded");
    }

    [Fact]
    public async Task The_watch_exception_callback_is_told_how_many_failures_in_a_row()
    {
        var server = await SharedNatsServer.GetAsync();
        var counts = new List<int>();

        using var root = ProviderHarness.Build(BucketNames.Unique("missing"), server.Url, s =>
        {
            s.Optional = true;
            s.OnWatchException = context =>
            {
                lock (counts)
                {
                    counts.Add(context.ConsecutiveFailureCount);
                }

                return TimeSpan.FromMilliseconds(20);
            };
        });

        await Eventually.TrueAsync(() => { lock (counts) { return counts.Count >= 3; } }, "three failures are reported");
        lock (counts)
        {
            Assert.Equal([1, 2, 3], counts.Take(3));
        }
    }
}
