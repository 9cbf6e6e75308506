using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Client;

public class BucketTests
{
    [Fact]
    public async Task Ensure_creates_a_bucket_with_the_settings_and_updates_it_when_called_again()
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
        await client.PutAsync(NatsKvConfigKey.Parse("a"), "1");
        var updated = await client.EnsureBucketAsync(new NatsKvBucketSettings { History = 20, Storage = NatsKvBucketStorage.Memory });
        var info = await client.GetBucketInfoAsync();

        Assert.Equal(bucket.Name, created.Bucket);
        Assert.Equal(5, created.History);
        Assert.Equal(TimeSpan.FromHours(1), created.MaxAge);
        Assert.Equal(1_000_000, created.MaxBytes);
        Assert.Equal(NatsKvBucketStorage.Memory, created.Storage);
        Assert.Equal("app settings", created.Description);
        Assert.Equal(1, created.Replicas);
        Assert.Equal(20, updated.History);
        Assert.Equal(TimeSpan.Zero, updated.MaxAge);
        Assert.Equal(1, info.Entries);
        Assert.Equal(1, info.Keys);
        Assert.Equal(1UL, info.LastRevision);
        Assert.Equal("1", (await client.GetAsync(NatsKvConfigKey.Parse("a")))!.Value); // updating the settings kept the data
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

        var storageChange = await Assert.ThrowsAsync<NatsKvBucketSettingsException>(() => client.EnsureBucketAsync(new NatsKvBucketSettings { Storage = NatsKvBucketStorage.Memory }));

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
