using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Client;

/// <summary>A fresh bucket on the shared server and a client writing to it (over the bucket's own connection).</summary>
internal sealed class ClientBucket : IAsyncDisposable
{
    private ClientBucket(TestBucket bucket, NatsKvConfigClient client)
    {
        Bucket = bucket;
        Client = client;
    }

    public TestBucket Bucket { get; }

    public NatsKvConfigClient Client { get; }

    public string Name => Bucket.Name;

    /// <summary>A bucket created by the test harness (history 10), unless <paramref name="settings"/> asks the client to create it.</summary>
    public static async Task<ClientBucket> CreateAsync(Action<NatsKvConfigClientOptions>? configure = null, NatsKvBucketSettings? settings = null)
    {
        var server = await SharedNatsServer.GetAsync();
        var bucket = await TestBucket.CreateAsync(server.Url, create: settings is null);
        var client = NewClient(bucket, configure);
        if (settings is not null)
        {
            await client.EnsureBucketAsync(settings);
        }

        return new ClientBucket(bucket, client);
    }

    public static NatsKvConfigClient NewClient(TestBucket bucket, Action<NatsKvConfigClientOptions>? configure = null)
    {
        var options = new NatsKvConfigClientOptions { Bucket = bucket.Name };
        configure?.Invoke(options);
        return new NatsKvConfigClient(bucket.Connection, options);
    }

    public ValueTask DisposeAsync() => Bucket.DisposeAsync();
}
