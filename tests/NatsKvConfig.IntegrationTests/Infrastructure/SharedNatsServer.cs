using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Infrastructure;

/// <summary>
/// One nats-server for every test that only needs a server (each uses its own bucket), started on first use
/// and stopped when the test run ends. Tests that kill or restart a server start their own.
/// </summary>
internal static class SharedNatsServer
{
    private static readonly Lazy<Task<NatsServer>> Server = new(StartAsync);

    public static Task<NatsServer> GetAsync() => Server.Value;

    private static async Task<NatsServer> StartAsync()
    {
        var server = await NatsServer.StartAsync(new NatsServerOptions { ServerName = "shared" });
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        return server;
    }
}
