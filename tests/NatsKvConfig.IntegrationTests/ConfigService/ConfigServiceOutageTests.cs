using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.ConfigService;

/// <summary>The API while NATS is down: bounded 503s, and a log that follows the connection's state, not each retry.</summary>
public class ConfigServiceOutageTests
{
    [Fact]
    public async Task With_NATS_stopped_every_endpoint_that_needs_it_is_503_within_the_timeout_saying_so()
    {
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true, ServerName = "service-outage" });
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var revision = await bucket.PutAsync("database.host", "db1");
        await using var host = await ConfigServiceHost.StartAsync(
            server.Url,
            bucket.Name,
            more: new Dictionary<string, string?> { ["ConfigService:NatsRequestTimeout"] = "2", ["Logging:LogLevel:ConfigService"] = "Information" });
        using var writer = host.WithToken(ConfigServiceHost.WriteToken);
        using var warm = await host.Http.GetAsync("/config/database.host"); // the service's connection is open
        Assert.Equal(HttpStatusCode.OK, warm.StatusCode);

        await server.StopAsync();

        var requests = new (string Name, Func<Task<HttpResponseMessage>> Send)[]
        {
            ("GET /config/{key}", () => host.Http.GetAsync("/config/database.host")),
            ("GET /config", () => host.Http.GetAsync("/config")),
            ("GET /config/{key}/history", () => host.Http.GetAsync("/config/database.host/history")),
            ("PUT /config/{key}", () => writer.PutAsJsonAsync("/config/database.host", new { value = "db2" })),
            ("DELETE /config/{key}", () => writer.DeleteAsync("/config/database.host")),
            ("POST /config/{key}/rollback", () => writer.PostAsync($"/config/database.host/rollback?revision={revision}", null)),
        };
        foreach (var (name, send) in requests)
        {
            var clock = Stopwatch.StartNew();
            using var response = await send();
            clock.Stop();

            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{name}: {(int)response.StatusCode}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"{name} took {clock.Elapsed}");
            Assert.Contains("NATS is not reachable", await ConfigServiceApiTests.ErrorOf(response));
        }

        await Eventually.TrueAsync(() => host.Logs.Entries.Any(e => e.EventId == 20007), "the service logged that NATS is gone");
        await server.RestartAsync();
        await Eventually.TrueAsync(
            async () => (await host.Http.GetAsync("/config/database.host")).StatusCode == HttpStatusCode.OK,
            "reads work again once NATS is back",
            TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => host.Logs.Entries.Any(e => e.EventId == 20009), "the service logged that NATS is back");

        // One line per change of state, and no stack trace in any line of the outage.
        var entries = host.Logs.Entries.ToList();
        Assert.Single(entries, e => e.EventId == 20007);
        Assert.Single(entries, e => e.EventId == 20009);
        Assert.DoesNotContain(entries, e => e.Level >= LogLevel.Warning && e.Exception is not null);
        Assert.DoesNotContain(entries, e => e.Category.StartsWith("NATS.", StringComparison.Ordinal) && e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task A_request_timeout_that_is_not_a_duration_is_refused_at_start_naming_the_setting()
    {
        var exception = Assert.Throws<InvalidOperationException>(() => ConfigServiceHost.Build(new Dictionary<string, string?>
        {
            ["ConfigService:NatsRequestTimeout"] = "soon",
        }));

        Assert.Contains("ConfigService__NatsRequestTimeout", exception.Message);
    }
}
