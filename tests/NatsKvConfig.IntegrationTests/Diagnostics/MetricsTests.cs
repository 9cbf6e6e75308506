using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Diagnostics;

public class MetricsTests
{
    [Fact]
    public async Task The_provider_records_loads_changes_reloads_skips_restarts_and_observable_state_tagged_with_the_bucket()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        await bucket.PutAsync("bad=ZZ", "skipped: malformed key");
        await bucket.PutBytesAsync("b", [0xC3, 0x28]); // not UTF-8: skipped
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var loadDuration = new MetricCollector<double>(meters, "NatsKvConfig", "natskvconfig.load.duration");
        using var skipped = new MetricCollector<long>(meters, "NatsKvConfig", "natskvconfig.entries.skipped");
        using var applied = new MetricCollector<long>(meters, "NatsKvConfig", "natskvconfig.changes.applied");
        using var reloads = new MetricCollector<long>(meters, "NatsKvConfig", "natskvconfig.reloads");
        using var lag = new MetricCollector<double>(meters, "NatsKvConfig", "natskvconfig.change.lag");
        using var restarts = new MetricCollector<long>(meters, "NatsKvConfig", "natskvconfig.watch.restarts");
        using var revision = new MetricCollector<long>(meters, "NatsKvConfig", "natskvconfig.revision");
        using var keys = new MetricCollector<long>(meters, "NatsKvConfig", "natskvconfig.keys");
        using var size = new MetricCollector<long>(meters, "NatsKvConfig", "natskvconfig.bucket.size");
        using var connected = new MetricCollector<int>(meters, "NatsKvConfig", "natskvconfig.connected");
        using var caughtUp = new MetricCollector<int>(meters, "NatsKvConfig", "natskvconfig.caught_up");

        var failure = new ProviderHarness.InjectedApplyFailure();
        using var root = ProviderHarness.Build(bucket, new PendingChanges(), s => s.MeterFactory = meters, beforeApply: failure.Hook);
        var provider = root.Provider();

        var load = Assert.Single(loadDuration.GetMeasurementSnapshot());
        Assert.InRange(load.Value, 0, 60);
        Assert.Equal(bucket.Name, load.Tags["natskvconfig.bucket"]);
        Assert.Equal(3, applied.GetMeasurementSnapshot().Sum(m => m.Value));
        var reasons = skipped.GetMeasurementSnapshot().Select(m => (string)m.Tags["natskvconfig.reason"]!).Order().ToArray();
        Assert.Equal(["invalid_utf8", "malformed_key"], reasons);

        await bucket.PutAsync("a", "2");
        await Eventually.TrueAsync(() => reloads.GetMeasurementSnapshot().Count == 1 && lag.GetMeasurementSnapshot().Count == 1, "the reload and its lag are recorded");
        Assert.InRange(lag.LastMeasurement!.Value, 0, 60);

        revision.RecordObservableInstruments();
        keys.RecordObservableInstruments();
        size.RecordObservableInstruments();
        connected.RecordObservableInstruments();
        caughtUp.RecordObservableInstruments();
        Assert.Equal((long)provider.AppliedRevision, revision.LastMeasurement!.Value);
        Assert.Equal(1, keys.LastMeasurement!.Value);
        Assert.True(size.LastMeasurement!.Value > 0);
        Assert.Equal(1, connected.LastMeasurement!.Value);
        Assert.Equal(1, caughtUp.LastMeasurement!.Value);

        failure.Arm();
        await bucket.PutAsync("a", "3");
        await Eventually.TrueAsync(() => root["a"] == "3" && restarts.GetMeasurementSnapshot().Count >= 1, "the watch restart after a failed batch is counted");
    }

    [Fact]
    public async Task A_listener_that_starts_after_the_load_still_sees_how_long_it_took()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();

        using var root = ProviderHarness.Build(bucket, s => s.MeterFactory = meters);

        // As a host's OpenTelemetry pipeline does: it starts listening once the configuration is built.
        using var loadDuration = new MetricCollector<double>(meters, "NatsKvConfig", "natskvconfig.load.duration");
        using var initialLoad = new MetricCollector<double>(meters, "NatsKvConfig", "natskvconfig.initial_load.duration");
        initialLoad.RecordObservableInstruments();

        Assert.Empty(loadDuration.GetMeasurementSnapshot()); // recorded before anyone listened: gone
        var measured = Assert.Single(initialLoad.GetMeasurementSnapshot());
        Assert.InRange(measured.Value, double.Epsilon, 60);
        Assert.Equal(bucket.Name, measured.Tags["natskvconfig.bucket"]);
    }

    [Fact]
    public void Before_the_initial_load_the_gauge_reports_nothing()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var initialLoad = new MetricCollector<double>(meters, "NatsKvConfig", "natskvconfig.initial_load.duration");
        var source = new NatsKvConfigurationSource { Bucket = BucketNames.Unique("unloaded"), Url = "nats://127.0.0.1:1", MeterFactory = meters };
        using var provider = new NatsKvConfigurationProvider(source); // never loaded

        initialLoad.RecordObservableInstruments();

        Assert.Empty(initialLoad.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task Connected_and_caught_up_read_zero_while_the_server_is_down_and_one_again_after()
    {
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true, ServerName = "metrics-state" });
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var connected = new MetricCollector<int>(meters, "NatsKvConfig", "natskvconfig.connected");
        using var caughtUp = new MetricCollector<int>(meters, "NatsKvConfig", "natskvconfig.caught_up");
        (int Connected, int CaughtUp) Read()
        {
            connected.RecordObservableInstruments();
            caughtUp.RecordObservableInstruments();
            return (connected.LastMeasurement!.Value, caughtUp.LastMeasurement!.Value);
        }

        using var root = ProviderHarness.Build(bucket, s => s.MeterFactory = meters);
        Assert.Equal((1, 1), Read());

        await server.KillAsync();
        await Eventually.TrueAsync(() => Read() == (0, 0), () => $"both gauges read 0 with the server down (they read {Read()})");
        Assert.Equal("1", root["a"]); // the configuration itself stays

        await server.RestartAsync();
        await Eventually.TrueAsync(() => Read() == (1, 1), () => $"both gauges read 1 once the server is back (they read {Read()})", TimeSpan.FromSeconds(30));
    }
}
