using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Diagnostics;

public class HealthCheckTests
{
    private sealed class AppOptions
    {
        public int Port { get; set; }
    }

    private static ServiceProvider Services(IConfiguration configuration, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging();
        services.AddHealthChecks().AddNatsKvConfiguration();
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    // Health is Degraded for a moment while a push is on its way too ("catching up"): waits for the degradation
    // whose description says `reason`, and returns that entry.
    private static async Task<HealthReportEntry> DegradedByAsync(IServiceProvider services, string reason)
    {
        HealthReportEntry entry = default;
        await Eventually.TrueAsync(
            async () =>
            {
                entry = await CheckAsync(services);
                return entry.Status == HealthStatus.Degraded && entry.Description?.Contains(reason, StringComparison.Ordinal) == true;
            },
            () => $"health is Degraded, {reason} (last: {entry.Status}, {entry.Description})");
        return entry;
    }

    private static async Task<HealthReportEntry> CheckAsync(IServiceProvider services)
    {
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries["natskvconfig"];
    }

    [Fact]
    public async Task A_connected_caught_up_provider_is_healthy_and_reports_its_state()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        using var root = ProviderHarness.Build(bucket);
        await using var services = Services(root);
        await bucket.PutAsync("a", "2");
        await Eventually.TrueAsync(() => root["a"] == "2" && root.Provider().IsCaughtUp, "the change is applied");

        var entry = await CheckAsync(services);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal(bucket.Name, entry.Data["bucket"]);
        Assert.Equal(root.Provider().AppliedRevision, entry.Data["applied_revision"]);
        Assert.Equal("connected", entry.Data["connection_state"]);
        Assert.True(entry.Data.ContainsKey("seconds_since_last_change"));
    }

    [Fact]
    public async Task A_source_that_never_loaded_is_unhealthy()
    {
        using var root = ProviderHarness.Build(BucketNames.Unique("never"), "nats://127.0.0.1:1", s =>
        {
            s.Optional = true;
            s.StartupTimeout = TimeSpan.FromSeconds(1);
        });
        await using var services = Services(root);

        var entry = await CheckAsync(services);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("never loaded", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disconnected_provider_is_degraded()
    {
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true, ServerName = "health" });
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        using var root = ProviderHarness.Build(bucket);
        await using var services = Services(root);

        await server.KillAsync();
        await Eventually.TrueAsync(() => !root.Provider().IsConnected, "the provider notices");
        var entry = await CheckAsync(services);

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("disconnected", entry.Description, StringComparison.Ordinal);
        Assert.Equal("disconnected", entry.Data["connection_state"]);
    }

    [Fact]
    public async Task Serving_the_snapshot_is_degraded_with_its_revision_and_age()
    {
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true, ServerName = "health-snap" });
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var revision = await bucket.PutAsync("a", "1");
        var directory = Path.Combine(Path.GetTempPath(), "natskvconfig-tests", Guid.NewGuid().ToString("N"));
        var path = Path.Combine(directory, "config.snapshot");
        try
        {
            using (ProviderHarness.Build(bucket, s => s.SnapshotPath = path))
            {
            }

            await server.StopAsync();
            using var root = ProviderHarness.Build(bucket, s =>
            {
                s.SnapshotPath = path;
                s.StartupTimeout = TimeSpan.FromSeconds(1);
            });
            await using var services = Services(root);

            var entry = await CheckAsync(services);

            Assert.Equal(HealthStatus.Degraded, entry.Status);
            Assert.Contains($"snapshot at revision {revision}", entry.Description, StringComparison.Ordinal);
            Assert.Equal(true, entry.Data["serving_snapshot"]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_push_rejected_by_validation_is_degraded_until_a_valid_one_arrives()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("app.port", "8080");
        using var root = ProviderHarness.Build(bucket);
        await using var services = Services(root, s => s
            .AddOptions<AppOptions>()
            .Bind(root.GetSection("app"))
            .Validate(o => o.Port is > 0 and < 65536, "Port must be between 1 and 65535")
            .KeepLastValidOnReload());
        var monitor = services.GetRequiredService<IOptionsMonitor<AppOptions>>();
        Assert.Equal(8080, monitor.CurrentValue.Port);

        await bucket.PutAsync("app.port", "0");
        var entry = await DegradedByAsync(services, "rejected by validation");
        Assert.Contains("Port must be between 1 and 65535", entry.Description, StringComparison.Ordinal);
        Assert.Equal(8080, monitor.CurrentValue.Port);

        await bucket.PutAsync("app.port", "9090");
        await Eventually.TrueAsync(() => monitor.CurrentValue.Port == 9090, "the valid push is applied");
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(services)).Status);
    }

    [Fact]
    public async Task A_push_the_binder_cannot_convert_is_degraded_naming_path_and_type_but_not_the_value_until_a_good_one_arrives()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("app.port", "8080");
        using var root = ProviderHarness.Build(bucket);
        await using var services = Services(root, s => s
            .AddOptions<AppOptions>()
            .Bind(root.GetSection("app"))
            .KeepLastValidOnReload());
        var monitor = services.GetRequiredService<IOptionsMonitor<AppOptions>>();
        Assert.Equal(8080, monitor.CurrentValue.Port);

        await bucket.PutAsync("app.port", "80 80");
        var entry = await DegradedByAsync(services, "rejected by binding");
        Assert.Contains("the value at 'app:Port' cannot be converted to System.Int32", entry.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("80 80", entry.Description, StringComparison.Ordinal);
        Assert.Equal(8080, monitor.CurrentValue.Port);

        await bucket.PutAsync("app.port", "9090");
        await Eventually.TrueAsync(() => monitor.CurrentValue.Port == 9090, "the good push is applied");
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(services)).Status);
    }
}
