using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Hosting;

/// <summary>
/// The provider joins a real host (<c>Host.CreateApplicationBuilder</c>) against a real nats-server: its start-up
/// warnings reach the host's logging once, live ones after, its metrics the host's meter factory, its server the
/// connection string, and its health the host's health checks.
/// </summary>
public class HostingTests
{
    private const string ProviderCategory = "NatsKvConfig.NatsKvConfigurationProvider";

    private static readonly byte[] InvalidUtf8 = [0xC3, 0x28];

    /// <summary>A host whose only logging is <paramref name="logs"/>, with the connection string <c>nats</c> when given.</summary>
    private static HostApplicationBuilder Builder(CapturingLoggerProvider logs, string? connectionString)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        if (connectionString is not null)
        {
            builder.Configuration.AddInMemoryCollection([new("ConnectionStrings:nats", connectionString)]);
        }

        return builder;
    }

    private static void Quick(NatsKvConfigurationSource source) => source.WatchProbeInterval = TimeSpan.FromMilliseconds(500);

    private static NatsKvConfigurationProvider ProviderOf(IHost host) =>
        ((IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>()).Providers.OfType<NatsKvConfigurationProvider>().Single();

    private static List<CapturingLoggerProvider.LogEntry> Ours(CapturingLoggerProvider logs) =>
        logs.Entries.Where(e => e.Category == ProviderCategory).ToList();

    [Fact]
    public async Task Start_up_warnings_are_replayed_into_the_hosts_logging_once_in_order_then_live_ones_follow()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("good", "1");
        await bucket.PutBytesAsync("garbled", InvalidUtf8);
        await bucket.PutAsync("broken", "{\"a\":");
        using var logs = new CapturingLoggerProvider();
        var builder = Builder(logs, server.Url);

        builder.AddNatsKvConfiguration("nats", bucket.Name, Quick);
        Assert.Equal("1", builder.Configuration["good"]); // loaded while the host's logging did not exist
        Assert.Empty(logs.Entries);
        using var host = builder.Build();
        await host.StartAsync();

        var replayed = Ours(logs);
        Assert.Equal(
            [(2002, LogLevel.Warning), (2003, LogLevel.Warning), (1001, LogLevel.Information)],
            replayed.Select(e => (e.EventId, e.Level)));
        Assert.Contains("'garbled'", replayed[0].Message, StringComparison.Ordinal);
        Assert.Contains("'broken'", replayed[1].Message, StringComparison.Ordinal);

        await bucket.PutBytesAsync("garbled.later", InvalidUtf8);
        await Eventually.TrueAsync(() => Ours(logs).Any(e => e.EventId == 2002 && e.Message.Contains("'garbled.later'", StringComparison.Ordinal)), "the live warning reaches the host's logging");
        await host.StopAsync();

        Assert.Single(Ours(logs), e => e.EventId == 1001);
        Assert.Single(Ours(logs), e => e.EventId == 2002 && e.Message.Contains("'garbled'", StringComparison.Ordinal));
        Assert.Single(Ours(logs), e => e.EventId == 2003);
    }

    [Fact]
    public async Task The_longer_form_over_a_chained_configuration_joins_too_and_adding_it_twice_registers_once()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutBytesAsync("garbled", InvalidUtf8);
        using var logs = new CapturingLoggerProvider();
        var builder = Builder(logs, connectionString: null);
        using var appConfiguration = (ConfigurationRoot)new ConfigurationBuilder().AddNatsKv(bucket.Name, bucket.Url).Build();

        builder.Configuration.AddConfiguration(appConfiguration);
        builder.Services.AddNatsKvConfiguration();
        builder.Services.AddNatsKvConfiguration();
        using var host = builder.Build();
        await host.StartAsync();

        Assert.Single(host.Services.GetServices<IHostedService>(), s => s.GetType().Name == nameof(NatsKvHostConnection));
        Assert.Single(Ours(logs), e => e.EventId == 2002);
        await host.StopAsync();
    }

    [Fact]
    public async Task The_connection_string_may_come_from_an_environment_variable_with_double_underscores()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "from the bucket");
        var prefix = $"NATSKVCONFIG_TEST_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "ConnectionStrings__nats", server.Url);
        try
        {
            using var logs = new CapturingLoggerProvider();
            var builder = Builder(logs, connectionString: null);
            builder.Configuration.AddEnvironmentVariables(prefix);

            builder.AddNatsKvConfiguration("nats", bucket.Name, Quick);
            using var host = builder.Build();

            Assert.Equal("from the bucket", host.Services.GetRequiredService<IConfiguration>()["a"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "ConnectionStrings__nats", null);
        }
    }

    [Fact]
    public async Task An_explicit_url_wins_over_the_connection_string()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        using var logs = new CapturingLoggerProvider();
        var builder = Builder(logs, "nats://127.0.0.1:1"); // nothing listens there

        builder.AddNatsKvConfiguration("nats", bucket.Name, source =>
        {
            source.Url = bucket.Url;
            source.StartupTimeout = TimeSpan.FromSeconds(5);
        });

        Assert.Equal("1", builder.Configuration["a"]);
    }

    [Fact]
    public void A_missing_connection_string_is_an_error_naming_the_key_looked_up()
    {
        using var logs = new CapturingLoggerProvider();
        var builder = Builder(logs, connectionString: null);

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddNatsKvConfiguration("nats", BucketNames.Unique("missing")));

        Assert.Contains("ConnectionStrings:nats", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_health_check_answers_healthy_through_the_hosts_health_check_service()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        using var logs = new CapturingLoggerProvider();
        var builder = Builder(logs, server.Url);

        builder.AddNatsKvConfiguration("nats", bucket.Name, Quick);
        using var host = builder.Build();
        await host.StartAsync();
        var health = host.Services.GetRequiredService<HealthCheckService>();

        HealthReport? report = null;
        await Eventually.TrueAsync(async () => (report = await health.CheckHealthAsync()).Status == HealthStatus.Healthy, () => $"the app is healthy (it is {report?.Status}: {string.Join("; ", report?.Entries.Select(e => e.Value.Description) ?? [])})");
        var entry = Assert.Single(report!.Entries);
        Assert.Equal($"natskvconfig-{bucket.Name}", entry.Key);
        Assert.Equal(bucket.Name, entry.Value.Data["bucket"]);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_source_with_its_own_logger_factory_keeps_it()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutBytesAsync("garbled", InvalidUtf8);
        using var own = new CapturingLoggerProvider();
        using var ownFactory = own.CreateFactory();
        using var hostLogs = new CapturingLoggerProvider();
        var builder = Builder(hostLogs, server.Url);

        builder.AddNatsKvConfiguration("nats", bucket.Name, source => source.LoggerFactory = ownFactory);
        using var host = builder.Build();
        await host.StartAsync();
        await bucket.PutBytesAsync("garbled.later", InvalidUtf8);
        await Eventually.TrueAsync(() => own.Ours.Count(e => e.EventId == 2002) == 2, "both warnings reach the source's own logging");
        await host.StopAsync();

        Assert.Empty(Ours(hostLogs));
    }

    [Fact]
    public async Task Metrics_are_recorded_on_the_hosts_meter_factory()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        using var logs = new CapturingLoggerProvider();
        var builder = Builder(logs, server.Url);
        builder.AddNatsKvConfiguration("nats", bucket.Name, Quick);
        using var host = builder.Build();
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var reloads = new MetricCollector<long>(meters, "NatsKvConfig", "natskvconfig.reloads");
        using var revision = new MetricCollector<long>(meters, "NatsKvConfig", "natskvconfig.revision");
        Assert.Null(revision.LastMeasurement); // the provider's own meter until the host starts

        await host.StartAsync();
        var changed = await bucket.PutAsync("a", "2");

        await Eventually.TrueAsync(() => reloads.GetMeasurementSnapshot().Count > 0, "the reload is counted on the host's meter");
        Assert.Equal(bucket.Name, reloads.LastMeasurement!.Tags["natskvconfig.bucket"]);
        await Eventually.TrueAsync(() => ProviderOf(host).AppliedRevision >= changed, "the change is applied");
        revision.RecordObservableInstruments();
        Assert.Equal((long)changed, revision.LastMeasurement!.Value);
        await host.StopAsync();
    }
}
