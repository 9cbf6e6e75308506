using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace NatsKvConfig.Tests.Options;

public class KeepLastValidOnReloadTests
{
    private const string PortMustBePositive = "Port must be positive";

    private static Dictionary<string, string?> Values(params (string Key, string? Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value);

    private static OptionsHarness ValidatedServer(string host = "db", string port = "80") => new(
        Values(("Host", host), ("Port", port)),
        (services, configuration) => services.AddOptions<ServerOptions>()
            .Bind(configuration)
            .Validate(o => o.Port > 0, PortMustBePositive)
            .KeepLastValidOnReload());

    [Fact]
    public void The_framework_alone_throws_out_of_the_reload_which_is_what_this_prevents()
    {
        // Baseline: proves the test provider's reload really reaches IOptionsMonitor and fails there.
        using var harness = new OptionsHarness(
            Values(("Host", "db"), ("Port", "80")),
            (services, configuration) => services.AddOptions<ServerOptions>().Bind(configuration).Validate(o => o.Port > 0, PortMustBePositive));
        Assert.Equal(80, harness.Monitor.CurrentValue.Port);

        // Each reload token's CancellationTokenSource (the provider's, then the root's) wraps what its callbacks throw.
        var exception = Assert.Throws<AggregateException>(() => harness.Push(("Port", "-1")));
        Assert.IsType<OptionsValidationException>(Assert.Single(exception.Flatten().InnerExceptions));
        Assert.Throws<OptionsValidationException>(() => harness.Monitor.CurrentValue);
    }

    [Fact]
    public void An_invalid_reload_keeps_the_last_valid_value_throws_nothing_and_calls_no_listener()
    {
        using var harness = ValidatedServer();
        var monitor = harness.Monitor;
        var before = monitor.CurrentValue;
        var calls = new List<ServerOptions>();
        using var listener = monitor.OnChange((options, _) => calls.Add(options));

        harness.Push(("Port", "-1"));

        Assert.Equal("-1", harness.Configuration["Port"]);
        Assert.Same(before, monitor.CurrentValue);
        Assert.Same(before, monitor.Get(Microsoft.Extensions.Options.Options.DefaultName));
        Assert.Equal(80, monitor.CurrentValue.Port);
        Assert.Empty(calls);
    }

    [Fact]
    public void The_next_valid_reload_is_applied_and_announced_once()
    {
        using var harness = ValidatedServer();
        var monitor = harness.Monitor;
        _ = monitor.CurrentValue;
        var calls = new List<(int Port, string? Name)>();
        using var listener = monitor.OnChange((options, name) => calls.Add((options.Port, name)));
        harness.Push(("Port", "-1"));

        harness.Push(("Port", "81"));

        Assert.Equal(81, monitor.CurrentValue.Port);
        Assert.Equal([(81, "")], calls);
    }

    [Fact]
    public void Valid_reloads_are_announced_as_without_it()
    {
        using var harness = ValidatedServer();
        var monitor = harness.Monitor;
        var calls = 0;
        using var listener = monitor.OnChange((_, _) => calls++);

        harness.Push(("Port", "81"));
        harness.Push(("Host", "db2"));

        Assert.Equal(2, calls);
        Assert.Equal(("db2", 81), (monitor.CurrentValue.Host, monitor.CurrentValue.Port));
    }

    [Fact]
    public void A_disposed_listener_is_not_called_again()
    {
        using var harness = ValidatedServer();
        var monitor = harness.Monitor;
        var calls = 0;
        var listener = monitor.OnChange((_, _) => calls++);
        harness.Push(("Port", "81"));

        listener!.Dispose();
        harness.Push(("Port", "82"));

        Assert.Equal(1, calls);
        Assert.Equal(82, monitor.CurrentValue.Port);
    }

    [Fact]
    public async Task ValidateOnStart_still_fails_start_up_fast()
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(Values(("Host", "db"), ("Port", "0")));
        builder.Services.AddOptions<ServerOptions>()
            .Bind(builder.Configuration)
            .Validate(o => o.Port > 0, PortMustBePositive)
            .KeepLastValidOnReload()
            .ValidateOnStart();
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(PortMustBePositive, exception.Failures);
    }

    [Fact]
    public void ValidateOnStart_passes_with_a_valid_start_and_the_value_is_kept_from_then_on()
    {
        using var harness = new OptionsHarness(
            Values(("Host", "db"), ("Port", "80")),
            (services, configuration) => services.AddOptions<ServerOptions>()
                .Bind(configuration)
                .Validate(o => o.Port > 0, PortMustBePositive)
                .KeepLastValidOnReload()
                .ValidateOnStart());
        harness.Services.GetRequiredService<IStartupValidator>().Validate();

        harness.Push(("Port", "-1"));

        Assert.Equal(80, harness.Monitor.CurrentValue.Port);
    }

    [Fact]
    public void Without_ValidateOnStart_the_first_read_of_an_invalid_value_throws_as_usual()
    {
        using var harness = ValidatedServer(port: "0");

        var exception = Assert.Throws<OptionsValidationException>(() => harness.Monitor.CurrentValue);

        Assert.Contains(PortMustBePositive, exception.Failures);
    }

    [Fact]
    public void An_invalid_reload_with_nothing_valid_to_keep_does_not_throw_but_readers_still_get_the_exception()
    {
        using var harness = ValidatedServer(port: "0");
        var monitor = harness.Monitor;
        var calls = new List<int>();
        using var listener = monitor.OnChange((options, _) => calls.Add(options.Port));

        harness.Push(("Port", "-1"));

        Assert.Throws<OptionsValidationException>(() => monitor.CurrentValue);
        var logged = Assert.Single(harness.Logs.WithId(5002));
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Contains(PortMustBePositive, logged.Message, StringComparison.Ordinal);
        Assert.Empty(calls);

        harness.Push(("Port", "81"));

        Assert.Equal(81, monitor.CurrentValue.Port);
        Assert.Equal([81], calls);
    }

    [Fact]
    public void DataAnnotations_failures_are_kept_from()
    {
        using var harness = new OptionsHarness(
            Values(("Host", "db"), ("Port", "80")),
            (services, configuration) => services.AddOptions<ServerOptions>()
                .Bind(configuration)
                .ValidateDataAnnotations()
                .KeepLastValidOnReload());
        var monitor = harness.Monitor;
        _ = monitor.CurrentValue;
        var calls = 0;
        using var listener = monitor.OnChange((_, _) => calls++);

        harness.Push(("Port", "70000"), ("Host", ""));

        Assert.Equal(("db", 80), (monitor.CurrentValue.Host, monitor.CurrentValue.Port));
        Assert.Equal(0, calls);
        var logged = Assert.Single(harness.Logs.WithId(5001)).Message;
        Assert.Contains("Port", logged, StringComparison.Ordinal);
        Assert.Contains("Host", logged, StringComparison.Ordinal);
    }

    [Fact]
    public void A_custom_IValidateOptions_is_honoured()
    {
        using var harness = new OptionsHarness(
            Values(("Host", "db"), ("Port", "80")),
            (services, configuration) =>
            {
                services.AddSingleton<IValidateOptions<ServerOptions>, NoLoopbackHost>();
                services.AddOptions<ServerOptions>().Bind(configuration).KeepLastValidOnReload();
            });
        var monitor = harness.Monitor;
        _ = monitor.CurrentValue;

        harness.Push(("Host", "localhost"));

        Assert.Equal("db", monitor.CurrentValue.Host);
        Assert.Contains(NoLoopbackHost.Failure, Assert.Single(harness.Logs.WithId(5001)).Message, StringComparison.Ordinal);

        harness.Push(("Host", "db2"));

        Assert.Equal("db2", monitor.CurrentValue.Host);
    }

    [Fact]
    public void Named_options_are_kept_per_name()
    {
        using var harness = new OptionsHarness(
            Values(("primary:Host", "p"), ("primary:Port", "80"), ("replica:Host", "r"), ("replica:Port", "81")),
            (services, configuration) =>
            {
                foreach (var name in new[] { "primary", "replica" })
                {
                    services.AddOptions<ServerOptions>(name)
                        .Bind(configuration.GetSection(name))
                        .Validate(o => o.Port > 0, PortMustBePositive)
                        .KeepLastValidOnReload();
                }
            });
        var monitor = harness.Monitor;
        var primary = monitor.Get("primary");
        _ = monitor.Get("replica");
        var calls = new List<(string? Name, int Port)>();
        using var listener = monitor.OnChange((options, name) => calls.Add((name, options.Port)));

        harness.Push(("primary:Port", "-1"), ("replica:Port", "82"));

        Assert.Same(primary, monitor.Get("primary"));
        Assert.Equal(82, monitor.Get("replica").Port);
        Assert.Equal([("replica", 82)], calls);
        var logged = Assert.Single(harness.Logs.WithId(5001)).Message;
        Assert.Contains("'primary'", logged, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_not_opted_in_behaves_as_without_it()
    {
        using var harness = new OptionsHarness(
            Values(("kept:Port", "80"), ("plain:Port", "81")),
            (services, configuration) =>
            {
                services.AddOptions<ServerOptions>("kept").Bind(configuration.GetSection("kept")).Validate(o => o.Port > 0, PortMustBePositive).KeepLastValidOnReload();
                services.AddOptions<ServerOptions>("plain").Bind(configuration.GetSection("plain")).Validate(o => o.Port > 0, PortMustBePositive);
            });
        var monitor = harness.Monitor;
        _ = monitor.Get("kept");
        _ = monitor.Get("plain");

        var exception = Assert.Throws<AggregateException>(() => harness.Push(("plain:Port", "-1")));
        Assert.IsType<OptionsValidationException>(Assert.Single(exception.Flatten().InnerExceptions));
        Assert.Throws<OptionsValidationException>(() => monitor.Get("plain"));
        Assert.Equal(80, monitor.Get("kept").Port);
    }

    [Fact]
    public void The_log_names_type_name_and_failures_but_never_the_values()
    {
        const string Secret = "secret-value-123";
        using var harness = new OptionsHarness(
            Values(("Host", "db"), ("Port", "80")),
            (services, configuration) => services.AddOptions<ServerOptions>()
                .Bind(configuration)
                .Validate(o => o.Host.Length <= 10, "Host is too long")
                .KeepLastValidOnReload());
        _ = harness.Monitor.CurrentValue;

        harness.Push(("Host", Secret));

        var logged = Assert.Single(harness.Logs.WithId(5001));
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.StartsWith("NatsKvConfig.", logged.Category, StringComparison.Ordinal);
        Assert.Contains("Host is too long", logged.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(ServerOptions).FullName!, logged.Message, StringComparison.Ordinal);
        Assert.Contains("name ''", logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Logs.Entries, e => e.Message.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public void Each_rejection_is_counted_once_while_it_stands_with_type_name_and_failure_tags()
    {
        using var harness = ValidatedServer();
        using var counter = new RejectionMeasurements(harness.Services);
        var monitor = harness.Monitor;
        _ = monitor.CurrentValue;

        harness.Push(("Port", "-1"));
        using (var scope = harness.Services.CreateScope())
        {
            _ = scope.ServiceProvider.GetRequiredService<IOptionsSnapshot<ServerOptions>>().Value;
        }

        _ = monitor.CurrentValue;

        // Still the same failure: an unrelated reload, and another invalid port, are the standing rejection.
        harness.Push(("Unrelated", "x"));
        harness.Push(("Port", "-2"));
        Assert.Equal(1, counter.Total);
        Assert.Single(harness.Logs.WithId(5001));

        harness.Push(("Port", "81"));
        harness.Push(("Port", "-3"));

        Assert.Equal(2, counter.Total);
        Assert.All(counter.All, m =>
        {
            Assert.Equal("ServerOptions", m.Tags["options.type"]);
            Assert.Equal("", m.Tags["options.name"]);
            Assert.Equal("validation", m.Tags["options.failure"]);
        });
        Assert.Equal(2, harness.Logs.WithId(5001).Count());
    }

    [Fact]
    public void A_still_standing_rejection_is_not_logged_again_when_an_unrelated_reload_rebuilds_the_options()
    {
        using var harness = ValidatedServer();
        var monitor = harness.Monitor;
        var before = monitor.CurrentValue;
        var rejections = harness.Services.GetRequiredService<OptionsValidationRejections>();
        harness.Push(("Port", "-1"));
        Assert.True(rejections.TryGetLast(typeof(ServerOptions), "", out var first));

        harness.Push(("Unrelated", "1"));
        harness.Push(("Unrelated", "2"));

        Assert.Same(before, monitor.CurrentValue);
        Assert.Single(harness.Logs.WithId(5001));
        Assert.True(rejections.TryGetLast(typeof(ServerOptions), "", out var standing));
        Assert.Same(first, standing);
    }

    [Fact]
    public void A_different_validation_failure_while_one_stands_is_logged_again()
    {
        using var harness = new OptionsHarness(
            Values(("Host", "db"), ("Port", "80")),
            (services, configuration) => services.AddOptions<ServerOptions>()
                .Bind(configuration)
                .Validate(o => o.Port > 0, PortMustBePositive)
                .Validate(o => o.Host.Length <= 10, "Host is too long")
                .KeepLastValidOnReload());
        _ = harness.Monitor.CurrentValue;

        harness.Push(("Port", "-1"));
        harness.Push(("Host", "a-very-long-host-name"));

        Assert.Collection(
            harness.Logs.WithId(5001),
            first => Assert.DoesNotContain("Host is too long", first.Message, StringComparison.Ordinal),
            second => Assert.Contains("Host is too long", second.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void The_last_rejection_is_kept_for_health_checks_until_a_valid_value_supersedes_it()
    {
        using var harness = ValidatedServer();
        _ = harness.Monitor.CurrentValue;
        var rejections = harness.Services.GetRequiredService<OptionsValidationRejections>();
        Assert.False(rejections.TryGetLast(typeof(ServerOptions), "", out _));

        harness.Push(("Port", "-1"));

        Assert.True(rejections.TryGetLast(typeof(ServerOptions), "", out var rejection));
        Assert.Equal([PortMustBePositive], rejection.Failures);
        Assert.True(rejection.KeptLastValid);
        Assert.Null(rejection.SupersededAt);
        Assert.InRange(rejection.RejectedAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        harness.Push(("Port", "81"));

        Assert.True(rejections.TryGetLast(typeof(ServerOptions), "", out var superseded));
        Assert.NotNull(superseded.SupersededAt);
        Assert.Equal(rejection.RejectedAt, superseded.RejectedAt);
        Assert.Single(rejections.GetAll());
    }

    [Fact]
    public void Snapshots_and_IOptions_get_the_last_valid_value_instead_of_an_exception()
    {
        using var harness = ValidatedServer();
        var kept = harness.Monitor.CurrentValue;

        harness.Push(("Port", "-1"));

        using (var scope = harness.Services.CreateScope())
        {
            Assert.Same(kept, scope.ServiceProvider.GetRequiredService<IOptionsSnapshot<ServerOptions>>().Value);
        }

        Assert.Equal(80, harness.Services.GetRequiredService<IOptions<ServerOptions>>().Value.Port);

        harness.Push(("Port", "81"));

        using (var scope = harness.Services.CreateScope())
        {
            Assert.Equal(81, scope.ServiceProvider.GetRequiredService<IOptionsSnapshot<ServerOptions>>().Value.Port);
        }

        // The snapshots' fallbacks are silent: the monitor reports each rejected reload once.
        Assert.Single(harness.Logs.WithId(5001));
    }

    [Fact]
    public void Snapshots_fall_back_on_their_own_last_valid_value_when_the_monitor_was_never_used()
    {
        using var harness = ValidatedServer();
        ServerOptions kept;
        using (var scope = harness.Services.CreateScope())
        {
            kept = scope.ServiceProvider.GetRequiredService<IOptionsSnapshot<ServerOptions>>().Value;
        }

        harness.Push(("Port", "-1"));

        using (var scope = harness.Services.CreateScope())
        {
            Assert.Same(kept, scope.ServiceProvider.GetRequiredService<IOptionsSnapshot<ServerOptions>>().Value);
        }
    }

    [Fact]
    public void A_snapshot_with_nothing_valid_to_fall_back_on_throws_as_usual()
    {
        using var harness = ValidatedServer(port: "0");
        using var scope = harness.Services.CreateScope();

        Assert.Throws<OptionsValidationException>(() => scope.ServiceProvider.GetRequiredService<IOptionsSnapshot<ServerOptions>>().Value);
    }

    [Fact]
    public void A_custom_options_factory_for_the_type_is_refused()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IOptionsFactory<ServerOptions>>(new OptionsFactory<ServerOptions>([], []));

        Assert.Throws<InvalidOperationException>(() => services.AddOptions<ServerOptions>().KeepLastValidOnReload());
    }

    [Fact]
    public async Task Readers_racing_reloads_only_ever_see_valid_values_and_each_valid_reload_is_announced()
    {
        using var harness = ValidatedServer(port: "1");
        var monitor = harness.Monitor;
        _ = monitor.CurrentValue;
        var announced = new ConcurrentQueue<int>();
        using var listener = monitor.OnChange((options, _) => announced.Enqueue(options.Port));
        using var stop = new CancellationTokenSource();
        using var started = new CountdownEvent(2);
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var reads = 0;
            while (!stop.IsCancellationRequested)
            {
                if (reads == 1)
                {
                    started.Signal();
                }

                Assert.True(monitor.CurrentValue.Port > 0);
                using var scope = harness.Services.CreateScope();
                Assert.True(scope.ServiceProvider.GetRequiredService<IOptionsSnapshot<ServerOptions>>().Value.Port > 0);
                reads++;
            }

            return reads;
        })).ToArray();

        var validPushes = new List<int>();
        var rejectedPushes = 0;
        try
        {
            Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "both readers are reading");
            for (var i = 2; i < 1_000; i++)
            {
                // Every third push is invalid.
                var port = i % 3 == 0 ? -i : i;
                harness.Push(("Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                if (port > 0)
                {
                    validPushes.Add(port);
                }
                else
                {
                    rejectedPushes++;
                }
            }
        }
        finally
        {
            stop.Cancel();
        }

        var reads = await Task.WhenAll(readers);

        Assert.All(reads, r => Assert.True(r > 0));
        Assert.Equal(validPushes, announced);
        Assert.Equal(validPushes[^1], monitor.CurrentValue.Port);
        Assert.Equal(rejectedPushes, harness.Logs.WithId(5001).Count());
    }

    private sealed class NoLoopbackHost : IValidateOptions<ServerOptions>
    {
        public const string Failure = "Host must not be a loopback name";

        public ValidateOptionsResult Validate(string? name, ServerOptions options) =>
            options.Host == "localhost" ? ValidateOptionsResult.Fail(Failure) : ValidateOptionsResult.Success;
    }
}
