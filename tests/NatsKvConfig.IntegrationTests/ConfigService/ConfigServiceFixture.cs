using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.ConfigService;

/// <summary>A bucket of the shared server, and the service over it.</summary>
internal sealed class ConfigServiceFixture : IAsyncDisposable
{
    private ConfigServiceFixture(TestBucket bucket, ConfigServiceHost host)
    {
        Bucket = bucket;
        Host = host;
    }

    public TestBucket Bucket { get; }

    public ConfigServiceHost Host { get; }

    public static async Task<ConfigServiceFixture> StartAsync(
        string? writeToken = ConfigServiceHost.WriteToken,
        string? readToken = null,
        int history = 10,
        IReadOnlyDictionary<string, string?>? more = null,
        string urls = "http://127.0.0.1:0")
    {
        var server = await SharedNatsServer.GetAsync();
        var bucket = await TestBucket.CreateAsync(server.Url, history: history);
        return new ConfigServiceFixture(bucket, await ConfigServiceHost.StartAsync(server.Url, bucket.Name, writeToken, readToken, more, urls));
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Bucket.DisposeAsync();
    }
}
