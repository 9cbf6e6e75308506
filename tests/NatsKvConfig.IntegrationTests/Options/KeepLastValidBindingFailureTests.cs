using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Options;

/// <summary>A value the binder cannot convert, put through a real nats-server, against <c>KeepLastValidOnReload</c>.</summary>
public class KeepLastValidBindingFailureTests
{
    private const int BindingRejected = 5003;
    private const int BindingFailedWithoutLastValid = 5004;

    public sealed class AppOptions
    {
        public int Port { get; set; }

        public TimeSpan Timeout { get; set; }
    }

    private static ServiceProvider Services(IConfiguration configuration, CapturingLoggerProvider logs)
    {
        var services = new ServiceCollection();
        services.AddLogging(builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        services.AddOptions<AppOptions>()
            .Bind(configuration.GetSection("app"))
            .KeepLastValidOnReload();
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task A_port_the_binder_cannot_convert_keeps_the_last_valid_options_until_a_good_port_arrives()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("app.port", "8080");
        await bucket.PutAsync("app.timeout", "00:00:05");
        var logs = new CapturingLoggerProvider();
        using var providerLogs = logs.CreateFactory();
        using var root = ProviderHarness.Build(bucket, logs: providerLogs);
        await using var services = Services(root, logs);
        var monitor = services.GetRequiredService<IOptionsMonitor<AppOptions>>();
        var before = monitor.CurrentValue;
        Assert.Equal(8080, before.Port);
        var announced = new List<int>();
        using var listener = monitor.OnChange((options, _) =>
        {
            lock (announced)
            {
                announced.Add(options.Port);
            }
        });

        await bucket.PutAsync("app.port", "80 80");
        await Eventually.TrueAsync(() => logs.Has(BindingRejected), "the rejection is logged");

        Assert.Equal("80 80", root["app:port"]);
        Assert.Same(before, monitor.CurrentValue);
        var logged = Assert.Single(logs.Ours, e => e.EventId == BindingRejected);
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.Contains("'app:Port'", logged.Message, StringComparison.Ordinal);
        Assert.Contains("System.Int32", logged.Message, StringComparison.Ordinal);
        Assert.Null(logged.Exception);
        Assert.DoesNotContain(logs.Entries, e => e.Everything.Contains("80 80", StringComparison.Ordinal));

        // An unrelated change reloads and rebuilds the options, which still cannot be bound: not reported again.
        // Once it is visible its batch has been taken, so the good port below comes in a later reload, which the
        // provider raises only after this one's listeners have run.
        await bucket.PutAsync("other", "1");
        await Eventually.TrueAsync(() => root["other"] == "1", "the unrelated change is applied");
        Assert.Same(before, monitor.CurrentValue);

        await bucket.PutAsync("app.port", "9090");

        // Announced after the monitor rebuilt: CurrentValue can show 9090 a moment before the listener runs.
        await Eventually.TrueAsync(() => { lock (announced) { return announced.Count > 0; } }, "the good port is announced");
        Assert.Equal(9090, monitor.CurrentValue.Port);
        lock (announced)
        {
            Assert.Equal([9090], announced);
        }

        Assert.Single(logs.Ours, e => e.EventId == BindingRejected);
        Assert.False(logs.Has(4001), "no listener threw out of a reload");
        Assert.Equal(TimeSpan.FromSeconds(5), monitor.CurrentValue.Timeout);
    }

    [Fact]
    public async Task A_timeout_the_binder_cannot_convert_at_start_throws_to_readers_until_a_good_one_arrives()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("app.port", "8080");
        await bucket.PutAsync("app.timeout", "half a minute");
        var logs = new CapturingLoggerProvider();
        using var providerLogs = logs.CreateFactory();
        using var root = ProviderHarness.Build(bucket, logs: providerLogs);
        await using var services = Services(root, logs);
        var monitor = services.GetRequiredService<IOptionsMonitor<AppOptions>>();

        Assert.Throws<InvalidOperationException>(() => monitor.CurrentValue);

        // A reload that still cannot be bound does not throw out of the provider's reload (no event 4001).
        await bucket.PutAsync("app.timeout", "a minute or so");
        await Eventually.TrueAsync(() => logs.Has(BindingFailedWithoutLastValid), "the failed reload is logged");
        Assert.Throws<InvalidOperationException>(() => monitor.CurrentValue);
        var logged = Assert.Single(logs.Ours, e => e.EventId == BindingFailedWithoutLastValid);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Contains("'app:Timeout'", logged.Message, StringComparison.Ordinal);
        Assert.Contains("System.TimeSpan", logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Entries, e => e.Everything.Contains("a minute or so", StringComparison.Ordinal));

        await bucket.PutAsync("app.timeout", "00:01:00");
        await Eventually.TrueAsync(
            () =>
            {
                try
                {
                    return monitor.CurrentValue.Timeout == TimeSpan.FromMinutes(1);
                }
                catch (InvalidOperationException)
                {
                    return false;
                }
            },
            "the good timeout is applied");
        Assert.Equal(8080, monitor.CurrentValue.Port);
        Assert.False(logs.Has(4001), "no listener threw out of a reload");
    }
}
