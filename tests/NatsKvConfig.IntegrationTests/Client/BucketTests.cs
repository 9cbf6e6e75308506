using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Client;

public class BucketTests
{
    [Fact]
    public async Task Ensure_creates_a_bucket_with_the_settings_and_reports_no_differences()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, create: false);
        var client = ClientBucket.NewClient(bucket);

        var created = await client.EnsureBucketAsync(new NatsKvBucketSettings
        {
            History = 5,
            MaxAge = TimeSpan.FromHours(1),
            MaxBytes = 1_000_000,
            Storage = NatsKvBucketStorage.Memory,
            Description = "app settings",
        });

        Assert.Equal(bucket.Name, created.Bucket);
        Assert.Equal(5, created.History);
        Assert.Equal(TimeSpan.FromHours(1), created.MaxAge);
        Assert.Equal(1_000_000, created.MaxBytes);
        Assert.Equal(NatsKvBucketStorage.Memory, created.Storage);
        Assert.Equal("app settings", created.Description);
        Assert.Equal(1, created.Replicas);
        Assert.Empty(created.Differences);
    }

    [Fact]
    public async Task Ensure_leaves_an_existing_bucket_with_history_20_as_it_is_and_reports_and_logs_the_difference()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = logs.CreateFactory();
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, history: 20);
        for (var i = 1; i <= 15; i++)
        {
            await bucket.PutAsync("greeting", $"hello {i}");
        }

        var client = ClientBucket.NewClient(bucket, o => o.LoggerFactory = factory);

        var info = await client.EnsureBucketAsync(new NatsKvBucketSettings { History = 10 });

        Assert.Equal(20, info.History);
        var difference = Assert.Single(info.Differences);
        Assert.Equal("History", difference.Setting);
        Assert.Equal("10", difference.Requested);
        Assert.Equal("20", difference.Actual);
        Assert.Equal("History: 20, not 10", difference.ToString());
        Assert.Equal(20, (await client.GetBucketInfoAsync()).History);
        Assert.Equal(15, (await client.GetHistoryAsync(NatsKvConfigKey.Parse("greeting"))).Count); // no revision lost
        var warning = Assert.Single(logs.Ours, e => e.EventId == 8007);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains(bucket.Name, warning.Message, StringComparison.Ordinal);
        Assert.Contains("History 20 (asked for 10)", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hello", warning.Message, StringComparison.Ordinal);
        Assert.False(logs.Has(8001), "nothing was created");
        Assert.False(logs.Has(8008), "nothing was updated");
    }

    [Fact]
    public async Task Ensure_compares_every_setting_it_is_given_and_the_description_only_when_given()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, create: false);
        var client = ClientBucket.NewClient(bucket);
        await client.EnsureBucketAsync(new NatsKvBucketSettings { History = 5, MaxAge = TimeSpan.FromHours(2), MaxBytes = 1 << 20, Description = "ours" });

        var noDescription = await client.EnsureBucketAsync(new NatsKvBucketSettings { History = 5, MaxAge = TimeSpan.FromHours(2), MaxBytes = 1 << 20 });
        var other = await client.EnsureBucketAsync(new NatsKvBucketSettings { History = 7, Storage = NatsKvBucketStorage.Memory, Description = "theirs" });

        Assert.Empty(noDescription.Differences);
        Assert.Equal(
            [
                ("History", "7", "5"),
                ("MaxAge", "none", "02:00:00"),
                ("MaxBytes", "unlimited", "1048576"),
                ("Storage", "memory", "file"),
                ("Description", "theirs", "ours"),
            ],
            other.Differences.Select(d => (d.Setting, d.Requested, d.Actual)));
        var info = await client.GetBucketInfoAsync();
        Assert.Equal((5, TimeSpan.FromHours(2), 1L << 20, NatsKvBucketStorage.File, "ours"), (info.History, info.MaxAge, info.MaxBytes, info.Storage, info.Description));
        Assert.Empty(info.Differences);
    }

    [Fact]
    public async Task Ensure_is_idempotent()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, create: false);
        var client = ClientBucket.NewClient(bucket);
        var settings = new NatsKvBucketSettings { History = 7 };

        var first = await client.EnsureBucketAsync(settings);
        var second = await client.EnsureBucketAsync(settings);

        Assert.Equal(first.Created, second.Created);
        Assert.Equal(7, second.History);
        Assert.Empty(second.Differences);
    }

    [Fact]
    public async Task Update_changes_the_history_and_keeps_the_data()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = logs.CreateFactory();
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, create: false);
        var client = ClientBucket.NewClient(bucket, o => o.LoggerFactory = factory);
        await client.EnsureBucketAsync(new NatsKvBucketSettings { History = 5, MaxAge = TimeSpan.FromHours(1) });
        await client.PutAsync(NatsKvConfigKey.Parse("a"), "1");

        var updated = await client.UpdateBucketAsync(new NatsKvBucketSettings { History = 20 });

        Assert.Equal(20, updated.History);
        Assert.Equal(TimeSpan.Zero, updated.MaxAge); // every setting: what is not set is its default
        Assert.Empty(updated.Differences);
        Assert.Equal(20, (await client.GetBucketInfoAsync()).History);
        Assert.Equal("1", (await client.GetAsync(NatsKvConfigKey.Parse("a")))!.Value);
        Assert.True(logs.Has(8008), "the update is logged");
    }

    [Fact]
    public async Task Update_of_a_missing_bucket_is_bucket_not_found_and_creates_nothing()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, create: false);
        var client = ClientBucket.NewClient(bucket);

        var exception = await Assert.ThrowsAsync<NatsKvConfigNotFoundException>(() => client.UpdateBucketAsync(new NatsKvBucketSettings { History = 20 }));

        Assert.Equal(bucket.Name, exception.Bucket);
        Assert.Null(exception.Key);
        await Assert.ThrowsAsync<NatsKvConfigNotFoundException>(() => client.GetBucketInfoAsync());
    }

    [Fact]
    public async Task Settings_the_server_refuses_when_creating_raise_a_clear_error_and_create_nothing()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, create: false);
        var client = ClientBucket.NewClient(bucket);

        var exception = await Assert.ThrowsAsync<NatsKvBucketSettingsException>(() => client.EnsureBucketAsync(new NatsKvBucketSettings { Replicas = 3 })); // one server

        Assert.Equal(bucket.Name, exception.Bucket);
        Assert.Contains("NATS refused the settings", exception.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NatsKvConfigNotFoundException>(() => client.GetBucketInfoAsync());
    }

    [Fact]
    public async Task Update_needs_settings()
    {
        await using var b = await ClientBucket.CreateAsync();

        var exception = await Assert.ThrowsAsync<ArgumentNullException>(() => b.Client.UpdateBucketAsync(null!));

        Assert.Equal("settings", exception.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public async Task A_history_outside_1_to_64_is_refused_naming_the_setting(int history)
    {
        await using var b = await ClientBucket.CreateAsync();

        var exception = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => b.Client.EnsureBucketAsync(new NatsKvBucketSettings { History = history }));

        Assert.Equal("settings", exception.ParamName);
        Assert.StartsWith("History ", exception.Message, StringComparison.Ordinal);
        Assert.Contains("between 1 and 64", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_invalid_settings_are_refused_before_anything_is_sent()
    {
        await using var b = await ClientBucket.CreateAsync();

        var maxAge = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => b.Client.EnsureBucketAsync(new NatsKvBucketSettings { MaxAge = TimeSpan.FromSeconds(-1) }));
        var replicas = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => b.Client.EnsureBucketAsync(new NatsKvBucketSettings { Replicas = 0 }));
        var maxBytes = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => b.Client.EnsureBucketAsync(new NatsKvBucketSettings { MaxBytes = 0 }));

        // The parameter is the settings object; the message names the setting.
        Assert.All([maxAge, replicas, maxBytes], exception => Assert.Equal("settings", exception.ParamName));
        Assert.StartsWith("MaxAge ", maxAge.Message, StringComparison.Ordinal);
        Assert.StartsWith("Replicas ", replicas.Message, StringComparison.Ordinal);
        Assert.StartsWith("MaxBytes ", maxBytes.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_the_server_refuses_raise_a_clear_error_with_its_reason()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, create: false);
        var client = ClientBucket.NewClient(bucket);
        await client.EnsureBucketAsync(new NatsKvBucketSettings { Storage = NatsKvBucketStorage.File });

        var storageChange = await Assert.ThrowsAsync<NatsKvBucketSettingsException>(() => client.UpdateBucketAsync(new NatsKvBucketSettings { Storage = NatsKvBucketStorage.Memory }));

        Assert.Equal(bucket.Name, storageChange.Bucket);
        Assert.Contains(bucket.Name, storageChange.Message, StringComparison.Ordinal);
        Assert.Contains("can not change storage type", storageChange.Message, StringComparison.Ordinal);
        Assert.Equal(NatsKvBucketStorage.File, (await client.GetBucketInfoAsync()).Storage);
    }

    [Theory]
    [InlineData("bad name")]
    [InlineData("a.b")]
    [InlineData("")]
    public async Task An_invalid_bucket_name_is_refused_when_the_client_is_made(string name)
    {
        await using var connection = new NATS.Client.Core.NatsConnection(); // never connected: the options are checked first
        var exception = Assert.Throws<ArgumentException>(() => new NatsKvConfigClient(connection, new NatsKvConfigClientOptions { Bucket = name }));

        Assert.Equal("options", exception.ParamName);
    }

    [Fact]
    public async Task Info_of_a_missing_bucket_is_bucket_not_found()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var connection = new NATS.Client.Core.NatsConnection(server.ClientOpts);
        var client = new NatsKvConfigClient(connection, new NatsKvConfigClientOptions { Bucket = BucketNames.Unique("missing") });

        var exception = await Assert.ThrowsAsync<NatsKvConfigNotFoundException>(() => client.GetBucketInfoAsync());

        Assert.Equal(client.Bucket, exception.Bucket);
        Assert.Null(exception.Key);
    }
}
