using System.Net.Http.Headers;
using ConfigService;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.ConfigService;

/// <summary>The config service on a free loopback port, serving a test's bucket of a real nats-server.</summary>
internal sealed class ConfigServiceHost : IAsyncDisposable
{
    public const string WriteToken = "write-t0ken-for-tests-41c9";

    private readonly WebApplication _app;

    private ConfigServiceHost(WebApplication app, Uri address, CapturingLoggerProvider logs)
    {
        _app = app;
        Address = address;
        Logs = logs;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }

    /// <summary>Every log entry of the service's own logging.</summary>
    public CapturingLoggerProvider Logs { get; }

    /// <summary>The service's configuration: what it runs with.</summary>
    public IConfiguration Configuration => _app.Configuration;

    /// <summary>Every address the service listens on (the API's first, then a management port's).</summary>
    public IReadOnlyList<Uri> Addresses => [.. _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a))];

    /// <summary>A client without a token.</summary>
    public HttpClient Http { get; }

    public static async Task<ConfigServiceHost> StartAsync(
        string natsUrl,
        string bucket,
        string? writeToken = WriteToken,
        string? readToken = null,
        IReadOnlyDictionary<string, string?>? more = null,
        string urls = "http://127.0.0.1:0")
    {
        var settings = new Dictionary<string, string?>
        {
            ["NATS_URL"] = natsUrl,
            ["ConfigService:Bucket"] = bucket,
            ["ConfigService:WriteToken"] = writeToken,
            ["ConfigService:ReadToken"] = readToken,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (name, value) in more ?? new Dictionary<string, string?>())
        {
            settings[name] = value;
        }

        var logs = new CapturingLoggerProvider();
        var app = Build(settings, urls, logs);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ConfigServiceHost(app, new Uri(address), logs);
    }

    /// <summary>Builds the service as <see cref="StartAsync"/> does, without starting it (to see a setting refused).</summary>
    public static WebApplication Build(IReadOnlyDictionary<string, string?> settings, string urls = "http://127.0.0.1:0", CapturingLoggerProvider? logs = null) =>
        ConfigServiceApp.Build([], builder =>
        {
            builder.WebHost.UseUrls(urls);
            builder.Configuration.AddInMemoryCollection(settings);
            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
            }
        });

    /// <summary>A client sending <paramref name="token"/> as a bearer token.</summary>
    public HttpClient WithToken(string token, Uri? address = null)
    {
        var client = new HttpClient { BaseAddress = address ?? Address, Timeout = TimeSpan.FromSeconds(30) };
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
