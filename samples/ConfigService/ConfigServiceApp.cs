using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
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

    /// <exception cref="InvalidOperationException">A setting is invalid (a token too short, …); the message names it.</exception>
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
        ManagementPort.Listen(builder, settings.ManagementPort);

        // The service is an app configured by the bucket it serves, so /healthz and /metrics show a real
        // provider; but only by the keys under its own prefix: a value meant for other apps (AllowedHosts,
        // Logging:*, Kestrel:*) never reconfigures it. Inserted first, so appsettings, the environment and the
        // command line win over it. Providers are built before dependency injection exists: the source logs
        // through a factory of its own, configured like the app's, which the container disposes. NATS.Net's own
        // log stays off (a stack trace per reconnect attempt): NatsConnectionLog says what the connection does.
        var sourceLogging = LoggerFactory.Create(logging =>
        {
            logging.AddConfiguration(builder.Configuration.GetSection("Logging")).AddSimpleConsole();
            logging.Services.RemoveAll<ILoggerProvider>();
            logging.Services.AddSingleton<ILoggerProvider>(services => new QuietRetriesLoggerProvider(new ConsoleLoggerProvider(
                services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>(),
                services.GetServices<ConsoleFormatter>())));
        });
        builder.Services.AddSingleton(_ => new SourceLogging(sourceLogging));
        builder.Configuration.Sources.Insert(0, new NatsKvConfigurationSource
        {
            Bucket = settings.Bucket,
            KeyPrefix = settings.SettingsPrefix,
            NatsOpts = settings.NatsOptions("config-service-settings") with { LoggerFactory = NullLoggerFactory.Instance },
            Optional = true,
            StartupTimeout = TimeSpan.FromSeconds(5),
            LoggerFactory = sourceLogging,
        });

        builder.Services.AddSingleton(settings);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ServiceMetrics>();
        builder.Services.AddSingleton<TokenCheck>();
        builder.Services.AddSingleton<NatsCall>();
        builder.Services.AddSingleton<EventStreamSlots>();
        builder.Services.AddSingleton<INatsConnection>(_ => new NatsConnection(settings.NatsOptions("config-service")));
        builder.Services.AddHostedService<NatsConnectionLog>();
        builder.Services.AddNatsKvConfigClient(settings.Bucket);
        builder.Services.AddSingleton<ChangeFeed>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ChangeFeed>());
        builder.Services.AddHealthChecks().AddNatsKvConfiguration(settings.Bucket);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("config-service"))
            .WithMetrics(metrics => metrics
            .AddMeter("NatsKvConfig", ServiceMetrics.MeterName)
            .AddPrometheusExporter());

        var app = builder.Build();
        app.Services.GetRequiredService<SourceLogging>(); // created by the container, so disposed by it
        Log.Serving(
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ConfigService"),
            settings.Bucket,
            settings.WriteToken is null ? "disabled (no ConfigService:WriteToken)" : "need the write token",
            settings.ReadToken is not null ? "need a token" : settings.AllowAnonymousReads ? "are open to anyone (AllowAnonymousReads)" : "are open to loopback clients only",
            settings.SettingsPrefix);

        app.UseRequestTargetCheck();
        ManagementPort.UsePipeline(app, settings.ManagementPort);

        // The page loads only its own script and style, and is never framed; values and events are never cached.
        app.Use((context, next) =>
        {
            context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            if (context.Request.Path.StartsWithSegments("/config") || context.Request.Path.StartsWithSegments("/events"))
            {
                context.Response.Headers.CacheControl = "no-store";
            }

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

    // The library's description of a check can quote options validators' messages, which may quote values: the
    // service says only what its data shows (the bucket, the connection, the revision, rejected options by type).
    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new { status = entry.Value.Status.ToString(), description = Describe(entry.Value), data = entry.Value.Data }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }

    private static string Describe(HealthReportEntry entry)
    {
        var data = entry.Data;
        if (!data.TryGetValue("bucket", out var bucket))
        {
            return entry.Status == HealthStatus.Healthy ? "healthy" : "no NATS KV configuration source for the service's bucket";
        }

        var state = data.TryGetValue("connection_state", out var connection) ? connection : "unknown";
        var revision = data.TryGetValue("applied_revision", out var applied) ? applied : 0UL;
        var rejected = data.Keys.Where(key => key.StartsWith("rejected.", StringComparison.Ordinal)).Select(key => key["rejected.".Length..]).ToList();
        return $"bucket '{bucket}': {state}, applied revision {revision}" +
            (rejected.Count == 0 ? string.Empty : $"; options rejected on reload: {string.Join(", ", rejected)} (the log says why)");
    }

    /// <summary>Owns the configuration source's logger factory, so that the container disposes it with the app.</summary>
    private sealed class SourceLogging(ILoggerFactory factory) : IDisposable
    {
        public void Dispose() => factory.Dispose();
    }
}
