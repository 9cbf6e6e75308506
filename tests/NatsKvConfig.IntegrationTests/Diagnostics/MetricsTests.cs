using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using NatsKvConfig.IntegrationTests.Infrastructure;

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

        using var root = ProviderHarness.Build(bucket, s => s.MeterFactory = meters);
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
        Assert.Equal((long)provider.AppliedRevision, revision.LastMeasurement!.Value);
        Assert.Equal(1, keys.LastMeasurement!.Value);
        Assert.True(size.LastMeasurement!.Value > 0);

        var failOnce = 1;
        provider.BeforeApplyForTests = _ =>
        {
            if (Interlocked.Exchange(ref failOnce, 0) == 1)
            {
                throw new InvalidOperationException("injected failure");
            }
        };
        await bucket.PutAsync("a", "3");
        await Eventually.TrueAsync(() => root["a"] == "3" && restarts.GetMeasurementSnapshot().Count >= 1, "the watch restart after a failed batch is counted");
    }
}
