using System.Net.Http.Headers;
using ConfigService;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace NatsKvConfig.IntegrationTests.ConfigService;

/// <summary>The config service on a free loopback port, serving a test's bucket of a real nats-server.</summary>
internal sealed class ConfigServiceHost : IAsyncDisposable
{
    public const string WriteToken = "write-t0ken-for-tests-41c9";

    private readonly WebApplication _app;

    private ConfigServiceHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    /// <summary>A client without a token.</summary>
    public HttpClient Http { get; }

    public static async Task<ConfigServiceHost> StartAsync(string natsUrl, string bucket, string? writeToken = WriteToken, string? readToken = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["NATS_URL"] = natsUrl,
            ["ConfigService:Bucket"] = bucket,
            ["ConfigService:WriteToken"] = writeToken,
            ["ConfigService:ReadToken"] = readToken,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var app = ConfigServiceApp.Build([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(settings);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ConfigServiceHost(app, new Uri(address));
    }

    /// <summary>A client sending <paramref name="token"/> as a bearer token.</summary>
    public HttpClient WithToken(string token)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
