using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Client;

public class ServiceRegistrationTests
{
    [Fact]
    public async Task The_client_uses_the_apps_registered_connection_and_leaves_it_open()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await using var shared = new NatsConnection(server.ClientOpts);
        var services = new ServiceCollection()
            .AddSingleton<INatsConnection>(shared)
            .AddNatsKvConfigClient(options => options.Bucket = bucket.Name);

        await using (var provider = services.BuildServiceProvider())
        {
            var client = provider.GetRequiredService<NatsKvConfigClient>();
            await client.PutAsync(NatsKvConfigKey.Parse("a"), "1");
            Assert.Same(client, provider.GetRequiredService<NatsKvConfigClient>());
            Assert.Equal(bucket.Name, client.Bucket);
        }

        Assert.Equal(NatsConnectionState.Open, shared.ConnectionState); // ours, not the container's to close
        Assert.Equal("1", (await bucket.ReadAllAsync())["a"]);
    }

    [Fact]
    public async Task Without_a_registered_connection_the_client_connects_to_the_configured_url_and_the_container_closes_it()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var services = new ServiceCollection().AddNatsKvConfigClient(options =>
        {
            options.Bucket = bucket.Name;
            options.Url = server.Url;
            options.KeyPrefix = "app";
        });

        await using (var provider = services.BuildServiceProvider())
        {
            var client = provider.GetRequiredService<NatsKvConfigClient>();
            await client.PutAsync(NatsKvConfigKey.Parse("a"), "1");
            Assert.Equal("app", client.KeyPrefix);
        }

        Assert.Equal("1", (await bucket.ReadAllAsync())["app.a"]);
    }

    [Fact]
    public async Task The_bucket_overload_registers_a_client_for_that_bucket()
    {
        await using var provider = new ServiceCollection().AddNatsKvConfigClient("my-bucket").BuildServiceProvider();

        Assert.Equal("my-bucket", provider.GetRequiredService<NatsKvConfigClient>().Bucket);
    }
}
