using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.FeatureFlags;

/// <summary>
/// <see cref="IFeatureFlags"/> over a real bucket: flags written with <c>put</c> change the answer live, through the
/// provider's one watch. In flag "beta", user-1 has rollout bucket 2342 and user-2 3218 (docs/feature-flags.md).
/// </summary>
public class NatsKvFeatureFlagsTests
{
    [Fact]
    public async Task A_flag_toggled_in_the_bucket_changes_IsEnabled_live()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("features.beta", """{"enabled": false, "allowed_users": ["admin"]}""");
        var logs = new CapturingLoggerProvider();
        using var root = ProviderHarness.Build(bucket);
        await using var services = Services(root, logs, static s => s.AddNatsKvFeatureFlags());
        var flags = services.GetRequiredService<IFeatureFlags>();

        Assert.False(flags.IsEnabled("beta", "admin"));

        await bucket.PutAsync("features.beta", """{"enabled": true, "rollout": 30, "allowed_users": ["admin", "beta_tester"]}""");
        await Eventually.TrueAsync(() => flags.IsEnabled("beta", "admin"), "the enabled flag reaches IsEnabled");
        Assert.True(flags.IsEnabled("beta", "beta_tester"));
        Assert.True(flags.IsEnabled("beta", "user-1"));
        Assert.False(flags.IsEnabled("beta", "user-2"));
        Assert.False(flags.IsEnabled("beta"));

        await bucket.PutAsync("features.beta", """{"enabled": true}""");
        await Eventually.TrueAsync(() => flags.IsEnabled("beta"), "rollout 100 (no rollout) reaches everyone, even without a user");

        await bucket.PutAsync("features.beta", """{"enabled": false}""");
        await Eventually.TrueAsync(() => !flags.IsEnabled("beta", "admin"), "the disabled flag reaches IsEnabled");

        await bucket.PutAsync("features.beta", """{"enabled": true}""");
        await Eventually.TrueAsync(() => flags.IsEnabled("beta"), "the flag is on again");
        await bucket.DeleteAsync("features.beta");
        await Eventually.TrueAsync(() => !flags.IsEnabled("beta"), "the deleted flag is off");
        Assert.Single(logs.Ours, e => e.EventId == 9001 && e.Message.Contains("'beta'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Flat_keys_in_another_section_work_and_change_live()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("my_flags.beta.enabled", "true");
        await bucket.PutAsync("my_flags.beta.rollout", "0");
        await bucket.PutAsync("my_flags.beta.allowed_users.0", "admin");
        await bucket.PutAsync("features.beta", "true"); // not the section this app reads
        using var root = ProviderHarness.Build(bucket);
        await using var services = Services(root, new CapturingLoggerProvider(), static s => s.AddNatsKvFeatureFlags("my_flags"));
        var flags = services.GetRequiredService<IFeatureFlags>();

        Assert.True(flags.IsEnabled("beta", "admin"));
        Assert.False(flags.IsEnabled("beta", "user-1"));

        await bucket.PutAsync("my_flags.beta.rollout", "23.43");
        await Eventually.TrueAsync(() => flags.IsEnabled("beta", "user-1"), "the raised rollout takes user-1 (bucket 2342) in");
        Assert.False(flags.IsEnabled("beta", "user-2"));
    }

    [Fact]
    public async Task Flags_work_as_plain_json_strings_when_the_app_turned_json_expansion_off()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("features.beta", """{"enabled": true, "rollout": 0, "allowed_users": ["admin"]}""");
        using var root = ProviderHarness.Build(bucket, static source => source.ExpandJsonValues = false);
        await using var services = Services(root, new CapturingLoggerProvider(), static s => s.AddNatsKvFeatureFlags());
        var flags = services.GetRequiredService<IFeatureFlags>();
        Assert.StartsWith("{", root["features:beta"], StringComparison.Ordinal); // really one string

        Assert.True(flags.IsEnabled("beta", "admin"));
        Assert.False(flags.IsEnabled("beta", "user-1"));

        await bucket.PutAsync("features.beta", """{"enabled": true, "rollout": 30}""");
        await Eventually.TrueAsync(() => flags.IsEnabled("beta", "user-1"), "the new rollout arrives");
        Assert.False(flags.IsEnabled("beta", "admin"));
    }

    [Fact]
    public async Task A_malformed_flag_in_the_bucket_is_off_with_one_warning_that_names_no_value_until_it_is_fixed()
    {
        const string Secret = "s3cr3t";
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("features.beta", """{"enabled": true}""");
        var logs = new CapturingLoggerProvider();
        using var root = ProviderHarness.Build(bucket, logs: logs.CreateFactory());
        await using var services = Services(root, logs, static s => s.AddNatsKvFeatureFlags());
        var flags = services.GetRequiredService<IFeatureFlags>();
        Assert.True(flags.IsEnabled("beta"));

        await bucket.PutAsync("features.beta", $$"""{"enabled": true, "rollout": "{{Secret}}"}""");
        await Eventually.TrueAsync(() => !flags.IsEnabled("beta"), "the malformed flag is off");
        await bucket.PutAsync("features.other", "true"); // an unrelated change: no second warning
        await Eventually.TrueAsync(() => flags.IsEnabled("other"), "the unrelated change arrives");
        Assert.False(flags.IsEnabled("beta"));

        var warning = Assert.Single(logs.Ours, e => e.EventId == 9002);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("'beta'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("'rollout'", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Entries, e => e.Everything.Contains(Secret, StringComparison.Ordinal));

        await bucket.PutAsync("features.beta", """{"enabled": true, "rollout": 100}""");
        await Eventually.TrueAsync(() => flags.IsEnabled("beta"), "the fixed flag is on again");
    }

    private static ServiceProvider Services(IConfiguration configuration, CapturingLoggerProvider logs, Action<IServiceCollection> register)
    {
        var services = new ServiceCollection()
            .AddSingleton(configuration)
            .AddLogging(builder => builder.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        register(services);
        return services.BuildServiceProvider();
    }
}
