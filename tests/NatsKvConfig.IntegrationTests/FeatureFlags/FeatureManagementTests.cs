using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using Microsoft.FeatureManagement.FeatureFilters;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.FeatureFlags;

/// <summary>
/// Microsoft.FeatureManagement reads its <c>FeatureManagement</c> section from any <see cref="IConfiguration"/>: with
/// the section stored in NATS KV it works with no glue code, targeting filter included, and follows changes live.
/// </summary>
public class FeatureManagementTests
{
    private static readonly TargetingContext Alice = new() { UserId = "alice" };
    private static readonly TargetingContext Bob = new() { UserId = "bob" };

    [Fact]
    public async Task A_feature_stored_as_a_json_value_drives_IsEnabledAsync_with_targeting_and_changes_live()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("FeatureManagement.Simple", "false");
        await bucket.PutAsync("FeatureManagement.Beta", Targeting(users: ["alice"], rollout: 0));
        using var root = ProviderHarness.Build(bucket);
        await using var services = Services(root);
        var features = services.GetRequiredService<IFeatureManager>();

        Assert.False(await features.IsEnabledAsync("Simple"));
        Assert.True(await features.IsEnabledAsync("Beta", Alice));
        Assert.False(await features.IsEnabledAsync("Beta", Bob));

        await bucket.PutAsync("FeatureManagement.Simple", "true");
        await bucket.PutAsync("FeatureManagement.Beta", Targeting(users: ["alice", "bob"], rollout: 0));
        await Eventually.TrueAsync(() => features.IsEnabledAsync("Beta", Bob), "bob joins the audience live");
        await Eventually.TrueAsync(() => features.IsEnabledAsync("Simple"), "the simple feature turns on live");

        await bucket.PutAsync("FeatureManagement.Beta", "false");
        await Eventually.TrueAsync(async () => !await features.IsEnabledAsync("Beta", Alice), "the feature turns off for everyone live");
        Assert.False(await features.IsEnabledAsync("Beta", Bob));
    }

    [Fact]
    public async Task The_whole_section_stored_as_one_json_value_works_too()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("FeatureManagement", $$"""{"Simple": true, "Beta": {{Targeting(users: ["alice"], rollout: 0)}}}""");
        using var root = ProviderHarness.Build(bucket);
        await using var services = Services(root);
        var features = services.GetRequiredService<IFeatureManager>();

        Assert.True(await features.IsEnabledAsync("Simple"));
        Assert.True(await features.IsEnabledAsync("Beta", Alice));
        Assert.False(await features.IsEnabledAsync("Beta", Bob));
        Assert.Equal(["Beta", "Simple"], (await features.GetFeatureNamesAsync().ToListAsync()).Order(StringComparer.Ordinal));

        await bucket.PutAsync("FeatureManagement", $$"""{"Simple": false, "Beta": {{Targeting(users: [], rollout: 100)}}}""");
        await Eventually.TrueAsync(() => features.IsEnabledAsync("Beta", Bob), "a 100 % rollout reaches bob live");
        Assert.False(await features.IsEnabledAsync("Simple"));
    }

    [Fact]
    public async Task Flat_keys_drive_the_targeting_filter_through_a_targeting_context_accessor_and_change_live()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("FeatureManagement.Beta.EnabledFor.0.Name", "Microsoft.Targeting");
        await bucket.PutAsync("FeatureManagement.Beta.EnabledFor.0.Parameters.Audience.Users.0", "alice");
        await bucket.PutAsync("FeatureManagement.Beta.EnabledFor.0.Parameters.Audience.DefaultRolloutPercentage", "0");
        using var root = ProviderHarness.Build(bucket);
        var user = new CurrentUser { Id = "alice" };
        await using var services = Services(root, builder => builder.WithTargeting<CurrentUserTargetingAccessor>(), s => s.AddSingleton(user));
        var features = services.GetRequiredService<IFeatureManager>();

        Assert.True(await features.IsEnabledAsync("Beta"));
        user.Id = "bob";
        Assert.False(await features.IsEnabledAsync("Beta"));

        await bucket.PutAsync("FeatureManagement.Beta.EnabledFor.0.Parameters.Audience.Users.0", "bob");
        await Eventually.TrueAsync(() => features.IsEnabledAsync("Beta"), "the audience now names bob");
        user.Id = "alice";
        Assert.False(await features.IsEnabledAsync("Beta"));

        await bucket.PutAsync("FeatureManagement.Beta.EnabledFor.0.Parameters.Audience.DefaultRolloutPercentage", "100");
        await Eventually.TrueAsync(() => features.IsEnabledAsync("Beta"), "the 100 % rollout reaches alice");
    }

    [Fact]
    public async Task The_microsoft_feature_management_schema_in_one_key_works_too()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("feature_management", MicrosoftSchema(enabled: true, users: ["alice"]));
        using var root = ProviderHarness.Build(bucket);
        await using var services = Services(root);
        var features = services.GetRequiredService<IFeatureManager>();

        Assert.True(await features.IsEnabledAsync("Beta", Alice));
        Assert.False(await features.IsEnabledAsync("Beta", Bob));

        await bucket.PutAsync("feature_management", MicrosoftSchema(enabled: false, users: ["alice"]));
        await Eventually.TrueAsync(async () => !await features.IsEnabledAsync("Beta", Alice), "the feature turns off live");
    }

    /// <summary>A .NET-schema feature that only the targeting filter turns on.</summary>
    private static string Targeting(string[] users, int rollout) =>
        $$$"""{"EnabledFor": [{"Name": "Microsoft.Targeting", "Parameters": {"Audience": {"Users": {{{JsonList(users)}}}, "DefaultRolloutPercentage": {{{rollout}}} } } }]}""";

    private static string MicrosoftSchema(bool enabled, string[] users) =>
        $$$"""
        {"feature_flags": [{"id": "Beta", "enabled": {{{(enabled ? "true" : "false")}}}, "conditions": {"client_filters": [
            {"name": "Microsoft.Targeting", "parameters": {"Audience": {"Users": {{{JsonList(users)}}}, "DefaultRolloutPercentage": 0 } } }]} }]}
        """;

    private static string JsonList(string[] items) => "[" + string.Join(", ", items.Select(item => $"\"{item}\"")) + "]";

    private static ServiceProvider Services(IConfiguration configuration, Action<IFeatureManagementBuilder>? configure = null, Action<IServiceCollection>? register = null)
    {
        var services = new ServiceCollection().AddSingleton(configuration).AddLogging();
        register?.Invoke(services);
        var builder = services.AddFeatureManagement();
        configure?.Invoke(builder);
        return services.BuildServiceProvider();
    }

    private sealed class CurrentUser
    {
        public string Id { get; set; } = "";
    }

    private sealed class CurrentUserTargetingAccessor(CurrentUser user) : ITargetingContextAccessor
    {
        public ValueTask<TargetingContext> GetContextAsync() => ValueTask.FromResult(new TargetingContext { UserId = user.Id });
    }
}
