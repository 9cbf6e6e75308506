using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NATS.Client.Core;
using NatsKvConfig;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ConfigService;

/// <summary>
/// The config service: the REST API, the admin page, change events, <c>/healthz</c> and <c>/metrics</c>. Tests
/// build it with their own settings and run it on a loopback port.
/// </summary>
public static class ConfigServiceApp
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The page is copied next to the binaries, so the service serves it wherever it is started from (tests too).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        configure?.Invoke(builder);

        // Read before the bucket joins the configuration: the bucket must not be able to change the tokens.
        var settings = ConfigServiceSettings.From(builder.Configuration);

        // The service is an app configured by the bucket it serves, so /healthz and /metrics show a real
        // provider. Inserted first, so appsettings, the environment and the command line win over it.
        // Providers are built before dependency injection exists: the source logs through a factory of its own,
        // configured like the app's, which the container disposes.
        var sourceLogging = LoggerFactory.Create(logging => logging
            .AddConfiguration(builder.Configuration.GetSection("Logging"))
            .AddSimpleConsole());
        builder.Services.AddSingleton(_ => new SourceLogging(sourceLogging));
        builder.Configuration.Sources.Insert(0, new NatsKvConfigurationSource
        {
            Bucket = settings.Bucket,
            Url = settings.NatsUrl,
            Optional = true,
            StartupTimeout = TimeSpan.FromSeconds(5),
            LoggerFactory = sourceLogging,
        });

        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<TokenCheck>();
        builder.Services.AddSingleton<INatsConnection>(_ => new NatsConnection(NatsOpts.Default with { Url = settings.NatsUrl, Name = "config-service" }));
        builder.Services.AddNatsKvConfigClient(settings.Bucket);
        builder.Services.AddSingleton<ChangeFeed>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ChangeFeed>());
        builder.Services.AddHealthChecks().AddNatsKvConfiguration(settings.Bucket);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("config-service"))
            .WithMetrics(metrics => metrics
            .AddMeter("NatsKvConfig")
            .AddPrometheusExporter());

        var app = builder.Build();
        app.Services.GetRequiredService<SourceLogging>(); // created by the container, so disposed by it
        Log.Serving(
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ConfigService"),
            settings.Bucket,
            settings.WriteToken is null ? "disabled (no ConfigService:WriteToken)" : "need the write token",
            settings.ReadToken is null ? "are open" : "need a token");

        // The page loads only its own script and style, and is never framed.
        app.Use((context, next) =>
        {
            context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return next(context);
        });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapConfigApi();
        app.MapChangeEvents();
        app.MapGet("/settings", (ConfigServiceSettings s) => Results.Ok(new { bucket = s.Bucket, writes = s.WriteToken is not null, readsNeedToken = s.ReadToken is not null }));
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = WriteHealthAsync });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new { status = entry.Value.Status.ToString(), description = entry.Value.Description, data = entry.Value.Data }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }

    /// <summary>Owns the configuration source's logger factory, so that the container disposes it with the app.</summary>
    private sealed class SourceLogging(ILoggerFactory factory) : IDisposable
    {
        public void Dispose() => factory.Dispose();
    }
}
