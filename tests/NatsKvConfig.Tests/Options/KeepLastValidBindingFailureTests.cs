using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace NatsKvConfig.Tests.Options;

/// <summary><c>KeepLastValidOnReload</c> and values the binder cannot convert ("80 80" for an int).</summary>
public class KeepLastValidBindingFailureTests
{
    private const string Section = "Typed";

    /// <summary>Validators: none, a <c>Validate</c> delegate, or data annotations.</summary>
    public static readonly string[] ValidatorKinds = ["none", "Validate", "DataAnnotations"];

    /// <summary>For each kind of property: its key under <see cref="Section"/>, a value it cannot take, the type the binder names, a value it can.</summary>
    private static readonly (string Key, string Bad, string TargetType, string Good)[] Properties =
    [
        ("Port", "80 80", "System.Int32", "8080"),
        ("Timeout", "half a minute", "System.TimeSpan", "00:00:30"),
        ("Mode", "Sideways", typeof(TypedMode).FullName!, "Bursty"),
        ("Limits:Max", "ten-ish", "System.Int32", "10"),

        // The binder drops a list element it cannot convert unless ErrorOnUnknownConfiguration is set (see below).
        ("Ports:1", "eleventy", "System.Int32", "11"),
    ];

    public static TheoryData<string, string, string, string, string> BadValues()
    {
        var data = new TheoryData<string, string, string, string, string>();
        foreach (var validators in ValidatorKinds)
        {
            foreach (var (key, bad, targetType, good) in Properties)
            {
                data.Add(validators, key, bad, targetType, good);
            }
        }

        return data;
    }

    private static Dictionary<string, string?> Initial(params (string Key, string? Value)[] overrides)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [$"{Section}:Port"] = "80",
            [$"{Section}:Timeout"] = "00:00:05",
            [$"{Section}:Mode"] = "Steady",
            [$"{Section}:Limits:Max"] = "5",
            [$"{Section}:Ports:0"] = "1",
            [$"{Section}:Ports:1"] = "2",
            [$"{Section}:Name"] = "a",
            ["Other"] = "x",
        };
        foreach (var (key, value) in overrides)
        {
            values[key] = value;
        }

        return values;
    }

    private static OptionsHarness Typed(
        string validators = "none",
        bool strict = false,
        bool keep = true,
        params (string Key, string? Value)[] overrides) => new(
        Initial(overrides),
        (services, configuration) =>
        {
            var builder = services.AddOptions<TypedOptions>()
                .Bind(configuration.GetSection(Section), binder => binder.ErrorOnUnknownConfiguration = strict);
            builder = validators switch
            {
                "Validate" => builder.Validate(o => o.Port > 0 && o.Limits.Max >= 0, "Port and Max must be positive"),
                "DataAnnotations" => builder.ValidateDataAnnotations(),
                _ => builder,
            };
            if (keep)
            {
                builder.KeepLastValidOnReload();
            }
        });

    private static IOptionsMonitor<TypedOptions> Monitor(OptionsHarness harness) =>
        harness.Services.GetRequiredService<IOptionsMonitor<TypedOptions>>();

    private static string Read(TypedOptions options, string key) => key switch
    {
        "Port" => options.Port.ToString(CultureInfo.InvariantCulture),
        "Timeout" => options.Timeout.ToString("c", CultureInfo.InvariantCulture),
        "Mode" => options.Mode.ToString(),
        "Limits:Max" => options.Limits.Max.ToString(CultureInfo.InvariantCulture),
        "Ports:1" => options.Ports[1].ToString(CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "no such property"),
    };

    [Fact]
    public void The_framework_alone_throws_a_value_the_binder_cannot_convert_out_of_the_reload_and_to_readers()
    {
        // Baseline: what KeepLastValidOnReload prevents. The binder's message carries the value, which is why our
        // logs must not pass it on.
        using var harness = Typed(keep: false);
        var monitor = Monitor(harness);
        Assert.Equal(80, monitor.CurrentValue.Port);

        var exception = Assert.Throws<AggregateException>(() => harness.Push(($"{Section}:Port", "80 80")));

        Assert.IsType<InvalidOperationException>(Assert.Single(exception.Flatten().InnerExceptions));
        var read = Assert.Throws<InvalidOperationException>(() => monitor.CurrentValue);
        Assert.Contains("80 80", read.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_value_the_binder_cannot_convert_keeps_the_last_valid_value_and_is_reported_once_without_the_value(
        string validators, string key, string bad, string targetType, string good)
    {
        using var harness = Typed(validators, strict: key.StartsWith("Ports", StringComparison.Ordinal));
        using var counter = new RejectionMeasurements(harness.Services);
        var monitor = Monitor(harness);
        var before = monitor.CurrentValue;
        var calls = new List<TypedOptions>();
        using var listener = monitor.OnChange((options, _) => calls.Add(options));

        harness.Push(($"{Section}:{key}", bad));

        Assert.Equal(bad, harness.Configuration[$"{Section}:{key}"]);
        Assert.Same(before, monitor.CurrentValue);
        Assert.Same(before, monitor.Get(Microsoft.Extensions.Options.Options.DefaultName));
        Assert.Empty(calls);
        var logged = Assert.Single(harness.Logs.WithId(5003));
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.Equal("NatsKvConfig.OptionsValidationRejections", logged.Category);
        Assert.Contains(typeof(TypedOptions).FullName!, logged.Message, StringComparison.Ordinal);
        Assert.Contains("name ''", logged.Message, StringComparison.Ordinal);
        Assert.Contains($"'{Section}:{key}'", logged.Message, StringComparison.Ordinal);
        Assert.Contains(targetType, logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Logs.Entries, e => e.Message.Contains(bad, StringComparison.Ordinal));
        var measurement = Assert.Single(counter.All);
        Assert.Equal(1, measurement.Value);
        Assert.Equal("TypedOptions", measurement.Tags["options.type"]);
        Assert.Equal("", measurement.Tags["options.name"]);
        Assert.Equal("binding", measurement.Tags["options.failure"]);

        // An unrelated reload rebuilds the options, which fail the same way: the same rejection, not a new one.
        harness.Push(("Other", "y"));

        Assert.Same(before, monitor.CurrentValue);
        Assert.Empty(calls);
        Assert.Single(harness.Logs.WithId(5003));
        Assert.Equal(1, counter.Total);

        harness.Push(($"{Section}:{key}", good));

        Assert.Equal(good, Read(monitor.CurrentValue, key));
        Assert.Same(monitor.CurrentValue, Assert.Single(calls));
    }

    [Fact]
    public void A_list_element_the_binder_cannot_convert_is_dropped_by_the_default_binder_so_only_a_validator_keeps_it_out()
    {
        // Without ErrorOnUnknownConfiguration the binder skips the element instead of failing: nothing to keep out
        // unless validation notices the list is short.
        using var harness = new OptionsHarness(
            Initial(),
            (services, configuration) => services.AddOptions<TypedOptions>()
                .Bind(configuration.GetSection(Section))
                .Validate(o => o.Ports.Count == 2, "Ports must have two entries")
                .KeepLastValidOnReload());
        var monitor = Monitor(harness);
        var before = monitor.CurrentValue;

        harness.Push(($"{Section}:Ports:1", "eleventy"));

        Assert.Same(before, monitor.CurrentValue);
        Assert.Empty(harness.Logs.WithId(5003));
        Assert.Contains("Ports must have two entries", Assert.Single(harness.Logs.WithId(5001)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void At_start_a_value_the_binder_cannot_convert_throws_to_readers_as_without_it()
    {
        using var harness = Typed(overrides: ($"{Section}:Port", "80 80"));

        Assert.Throws<InvalidOperationException>(() => Monitor(harness).CurrentValue);
        using var scope = harness.Services.CreateScope();
        Assert.Throws<InvalidOperationException>(() => scope.ServiceProvider.GetRequiredService<IOptionsSnapshot<TypedOptions>>().Value);
        Assert.Empty(harness.Logs.WithId(5003));
    }

    [Fact]
    public async Task ValidateOnStart_still_fails_start_up_on_a_value_the_binder_cannot_convert()
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(Initial(($"{Section}:Port", "80 80")));
        builder.Services.AddOptions<TypedOptions>()
            .Bind(builder.Configuration.GetSection(Section))
            .KeepLastValidOnReload()
            .ValidateOnStart();
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains($"'{Section}:Port'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reload_that_still_cannot_be_bound_with_nothing_valid_to_keep_does_not_throw_and_is_logged_as_an_error_without_the_value()
    {
        using var harness = Typed(overrides: ($"{Section}:Port", "80 80"));
        using var counter = new RejectionMeasurements(harness.Services);
        var monitor = Monitor(harness);
        var calls = new List<int>();
        using var listener = monitor.OnChange((options, _) => calls.Add(options.Port));

        harness.Push(($"{Section}:Port", "90 90"));

        Assert.Throws<InvalidOperationException>(() => monitor.CurrentValue);
        var logged = Assert.Single(harness.Logs.WithId(5004));
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Contains($"'{Section}:Port'", logged.Message, StringComparison.Ordinal);
        Assert.Contains("System.Int32", logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Logs.Entries, e => e.Message.Contains("90 90", StringComparison.Ordinal));
        Assert.Equal(1, counter.Total);
        Assert.Empty(calls);

        harness.Push(($"{Section}:Port", "81"));

        Assert.Equal(81, monitor.CurrentValue.Port);
        Assert.Equal([81], calls);
    }

    [Fact]
    public void A_value_crafted_to_look_like_the_binders_message_never_reaches_the_log()
    {
        const string Crafted = "1' at 'Spoofed:Path' to type 'System.String'.";
        using var harness = Typed();
        var monitor = Monitor(harness);
        var before = monitor.CurrentValue;

        harness.Push(($"{Section}:Port", Crafted));

        Assert.Same(before, monitor.CurrentValue);
        var logged = Assert.Single(harness.Logs.WithId(5003)).Message;
        Assert.Contains($"'{Section}:Port'", logged, StringComparison.Ordinal);
        Assert.Contains("System.Int32", logged, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Logs.Entries, e => e.Message.Contains("Spoofed", StringComparison.Ordinal));
    }

    [Fact]
    public void A_build_failure_that_names_no_path_keeps_the_last_valid_value_and_logs_neither_value_nor_message()
    {
        // With ErrorOnUnknownConfiguration an unknown key fails binding with a message that is not a conversion's.
        using var harness = Typed(strict: true);
        var monitor = Monitor(harness);
        var before = monitor.CurrentValue;

        harness.Push(($"{Section}:Colour", "mauve"));

        Assert.Same(before, monitor.CurrentValue);
        var logged = Assert.Single(harness.Logs.WithId(5005));
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.Contains(typeof(TypedOptions).FullName!, logged.Message, StringComparison.Ordinal);
        Assert.Contains("Microsoft.Extensions.Configuration.Binder", logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Logs.Entries, e => e.Message.Contains("mauve", StringComparison.Ordinal) || e.Message.Contains("Colour", StringComparison.Ordinal));
    }

    [Fact]
    public void A_different_binding_failure_while_one_stands_is_reported_again()
    {
        using var harness = Typed();
        using var counter = new RejectionMeasurements(harness.Services);
        var monitor = Monitor(harness);
        var before = monitor.CurrentValue;

        harness.Push(($"{Section}:Port", "80 80"));
        harness.Push(($"{Section}:Port", "80"), ($"{Section}:Timeout", "half a minute"));

        Assert.Same(before, monitor.CurrentValue);
        Assert.Collection(
            harness.Logs.WithId(5003),
            first => Assert.Contains($"'{Section}:Port'", first.Message, StringComparison.Ordinal),
            second => Assert.Contains($"'{Section}:Timeout'", second.Message, StringComparison.Ordinal));
        Assert.Equal(2, counter.Total);
    }

    [Fact]
    public void Another_unconvertible_value_at_the_same_path_is_the_same_rejection_and_is_not_reported_again()
    {
        using var harness = Typed();
        using var counter = new RejectionMeasurements(harness.Services);
        var monitor = Monitor(harness);
        var before = monitor.CurrentValue;

        harness.Push(($"{Section}:Port", "80 80"));
        harness.Push(($"{Section}:Port", "80 81"));

        Assert.Same(before, monitor.CurrentValue);
        Assert.Single(harness.Logs.WithId(5003));
        Assert.Equal(1, counter.Total);
    }

    [Fact]
    public void The_same_binding_failure_after_a_recovery_is_reported_again()
    {
        using var harness = Typed();
        using var counter = new RejectionMeasurements(harness.Services);
        var monitor = Monitor(harness);
        _ = monitor.CurrentValue;

        harness.Push(($"{Section}:Port", "80 80"));
        harness.Push(($"{Section}:Port", "81"));
        harness.Push(($"{Section}:Port", "80 80"));

        Assert.Equal(81, monitor.CurrentValue.Port);
        Assert.Equal(2, harness.Logs.WithId(5003).Count());
        Assert.Equal(2, counter.Total);
    }

    [Fact]
    public void A_binding_failure_after_a_validation_failure_is_a_new_rejection()
    {
        using var harness = Typed("Validate");
        using var counter = new RejectionMeasurements(harness.Services);
        var monitor = Monitor(harness);
        var before = monitor.CurrentValue;

        harness.Push(($"{Section}:Port", "-1"));
        harness.Push(($"{Section}:Port", "80 80"));

        Assert.Same(before, monitor.CurrentValue);
        Assert.Single(harness.Logs.WithId(5001));
        Assert.Single(harness.Logs.WithId(5003));
        Assert.Equal(["validation", "binding"], counter.All.Select(m => m.Tags["options.failure"]));
    }

    [Fact]
    public void Snapshots_and_IOptions_get_the_last_valid_value_silently_when_binding_fails()
    {
        using var harness = Typed();
        var kept = Monitor(harness).CurrentValue;

        harness.Push(($"{Section}:Timeout", "half a minute"));

        using (var scope = harness.Services.CreateScope())
        {
            Assert.Same(kept, scope.ServiceProvider.GetRequiredService<IOptionsSnapshot<TypedOptions>>().Value);
        }

        Assert.Equal(TimeSpan.FromSeconds(5), harness.Services.GetRequiredService<IOptions<TypedOptions>>().Value.Timeout);

        // The monitor reported the rejected reload once; the snapshot's and IOptions' fallbacks added nothing.
        Assert.Single(harness.Logs.WithId(5003));
    }

    [Fact]
    public void The_binding_rejection_kept_for_health_checks_names_path_and_type_but_not_the_value_until_a_valid_value_supersedes_it()
    {
        using var harness = Typed();
        _ = Monitor(harness).CurrentValue;
        var rejections = harness.Services.GetRequiredService<OptionsValidationRejections>();

        harness.Push(($"{Section}:Port", "80 80"));

        Assert.True(rejections.TryGetLast(typeof(TypedOptions), "", out var rejection));
        Assert.Equal(OptionsRejectionKind.Binding, rejection.Kind);
        Assert.Equal([$"the value at '{Section}:Port' cannot be converted to System.Int32"], rejection.Failures);
        Assert.True(rejection.KeptLastValid);
        Assert.Null(rejection.SupersededAt);

        harness.Push(("Other", "y"));

        Assert.True(rejections.TryGetLast(typeof(TypedOptions), "", out var standing));
        Assert.Same(rejection, standing);

        harness.Push(($"{Section}:Port", "81"));

        Assert.True(rejections.TryGetLast(typeof(TypedOptions), "", out var superseded));
        Assert.NotNull(superseded.SupersededAt);
    }
}
