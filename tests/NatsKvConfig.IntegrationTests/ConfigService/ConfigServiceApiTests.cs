using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.ConfigService;

public class ConfigServiceApiTests
{
    [Fact]
    public async Task Get_returns_the_entry_with_its_revision_as_ETag_and_404_for_a_missing_key()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        var revision = await fixture.Bucket.PutAsync("database.host", "db1");

        using var byPath = await fixture.Host.Http.GetAsync("/config/database:host");
        using var byKey = await fixture.Host.Http.GetAsync("/config/database.host");
        using var missing = await fixture.Host.Http.GetAsync("/config/nope");

        Assert.Equal(HttpStatusCode.OK, byPath.StatusCode);
        Assert.Equal($"\"{revision}\"", byPath.Headers.ETag!.ToString());
        using var body = JsonDocument.Parse(await byPath.Content.ReadAsStringAsync());
        Assert.Equal("database.host", body.RootElement.GetProperty("key").GetString());
        Assert.Equal("database:host", body.RootElement.GetProperty("path").GetString());
        Assert.Equal("db1", body.RootElement.GetProperty("value").GetString());
        Assert.Equal(revision, body.RootElement.GetProperty("revision").GetUInt64());
        Assert.True(body.RootElement.TryGetProperty("created", out var created));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", created.GetString()); // one format in every endpoint
        Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("'nope'", await ErrorOf(missing));
    }

    [Fact]
    public async Task A_key_with_a_dot_in_a_segment_is_reachable_by_its_configuration_path()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        using var writer = fixture.Host.WithToken(ConfigServiceHost.WriteToken);

        using var put = await writer.PutAsJsonAsync("/config/" + Uri.EscapeDataString("Logging:LogLevel:Microsoft.AspNetCore"), new { value = "Warning" });
        using var get = await fixture.Host.Http.GetAsync("/config/" + Uri.EscapeDataString("Logging:LogLevel:Microsoft.AspNetCore"));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("Warning", (await fixture.Bucket.ReadAllAsync())["Logging.LogLevel.Microsoft=2EAspNetCore"]);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task A_path_with_percent_signs_and_slashes_is_decoded_exactly_once()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        using var writer = fixture.Host.WithToken(ConfigServiceHost.WriteToken);
        const string path = "promo:50%41/off";
        var url = "/config/" + Uri.EscapeDataString(path);

        using var put = await writer.PutAsJsonAsync(url, new { value = "yes" });
        var entry = await fixture.Host.Http.GetFromJsonAsync<JsonElement>(url);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(path, entry.GetProperty("path").GetString());
        Assert.Equal("yes", (await fixture.Bucket.ReadAllAsync())[NatsKvKeyMapper.ToKey(path)]);
    }

    [Fact]
    public async Task Put_writes_and_returns_the_revision_with_an_ETag()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        using var writer = fixture.Host.WithToken(ConfigServiceHost.WriteToken);

        using var response = await writer.PutAsJsonAsync("/config/feature:enabled", new { value = "true" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var revision = body.RootElement.GetProperty("revision").GetUInt64();
        Assert.Equal($"\"{revision}\"", response.Headers.ETag!.ToString());
        Assert.Equal("true", (await fixture.Bucket.ReadAllAsync())["feature.enabled"]);
    }

    [Fact]
    public async Task If_Match_makes_a_put_a_compare_and_swap_412_when_the_key_moved_on()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        using var writer = fixture.Host.WithToken(ConfigServiceHost.WriteToken);
        var first = await fixture.Bucket.PutAsync("limit", "10");

        using var ok = await Send(writer, HttpMethod.Put, "/config/limit", """{"value": "20"}""", ("If-Match", $"\"{first}\""));
        using var stale = await Send(writer, HttpMethod.Put, "/config/limit", """{"value": "value-that-lost-zq"}""", ("If-Match", $"\"{first}\""));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        using var error = JsonDocument.Parse(await stale.Content.ReadAsStringAsync());
        Assert.Equal(first + 1, error.RootElement.GetProperty("currentRevision").GetUInt64());
        Assert.DoesNotContain("value-that-lost-zq", error.RootElement.GetProperty("error").GetString());
        Assert.Equal("20", (await fixture.Bucket.ReadAllAsync())["limit"]);
    }

    [Fact]
    public async Task If_None_Match_star_creates_only()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        using var writer = fixture.Host.WithToken(ConfigServiceHost.WriteToken);

        using var created = await Send(writer, HttpMethod.Put, "/config/new", """{"value": "first"}""", ("If-None-Match", "*"));
        using var again = await Send(writer, HttpMethod.Put, "/config/new", """{"value": "second"}""", ("If-None-Match", "*"));

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, again.StatusCode);
        Assert.Equal("first", (await fixture.Bucket.ReadAllAsync())["new"]);
        // The create-only conflict is a revision conflict: it carries the revision the key is at.
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        using var error = JsonDocument.Parse(await again.Content.ReadAsStringAsync());
        Assert.Equal(body.RootElement.GetProperty("revision").GetUInt64(), error.RootElement.GetProperty("currentRevision").GetUInt64());
    }

    [Fact]
    public async Task Delete_is_204_honours_If_Match_and_is_404_for_a_missing_key()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        using var writer = fixture.Host.WithToken(ConfigServiceHost.WriteToken);
        var old = await fixture.Bucket.PutAsync("a", "1");
        var current = await fixture.Bucket.PutAsync("a", "2");

        using var stale = await Send(writer, HttpMethod.Delete, "/config/a", null, ("If-Match", $"\"{old}\""));
        using var deleted = await Send(writer, HttpMethod.Delete, "/config/a", null, ("If-Match", $"\"{current}\""));
        using var missing = await writer.DeleteAsync("/config/a");

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Empty(await fixture.Bucket.ReadAllAsync());
    }

    [Fact]
    public async Task List_returns_keys_with_values_and_revisions_under_a_prefix()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        await fixture.Bucket.PutAsync("db.host", "h");
        await fixture.Bucket.PutAsync("db.port", "5432");
        await fixture.Bucket.PutAsync("web.port", "80");

        var all = await fixture.Host.Http.GetFromJsonAsync<JsonElement>("/config");
        var db = await fixture.Host.Http.GetFromJsonAsync<JsonElement>("/config?prefix=db");

        Assert.Equal(3, all.GetArrayLength());
        Assert.Equal(["db.host", "db.port"], db.EnumerateArray().Select(e => e.GetProperty("key").GetString()));
        Assert.Equal(["h", "5432"], db.EnumerateArray().Select(e => e.GetProperty("value").GetString()));
        Assert.All(db.EnumerateArray(), e => Assert.True(e.GetProperty("revision").GetUInt64() > 0));
    }

    [Fact]
    public async Task History_lists_the_revisions_and_rollback_restores_one_or_answers_409()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        using var writer = fixture.Host.WithToken(ConfigServiceHost.WriteToken);
        var good = await fixture.Bucket.PutAsync("timeout", "30");
        await fixture.Bucket.PutAsync("timeout", "3000");

        var history = await fixture.Host.Http.GetFromJsonAsync<JsonElement>("/config/timeout/history");
        using var rollback = await writer.PostAsync($"/config/timeout/rollback?revision={good}", null);
        using var tooNew = await writer.PostAsync("/config/timeout/rollback?revision=999", null);
        using var noRevision = await writer.PostAsync("/config/timeout/rollback", null);
        using var unknownKey = await writer.PostAsync($"/config/never/rollback?revision={good}", null);
        using var noHistory = await fixture.Host.Http.GetAsync("/config/never/history");

        Assert.Equal(["30", "3000"], history.EnumerateArray().Select(e => e.GetProperty("value").GetString()));
        Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
        Assert.Equal("30", (await fixture.Bucket.ReadAllAsync())["timeout"]);
        Assert.Equal(HttpStatusCode.Conflict, tooNew.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noRevision.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownKey.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noHistory.StatusCode);
    }

    [Fact]
    public async Task A_put_in_another_case_writes_the_key_the_bucket_holds_and_names_any_other_key_of_the_path()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        using var writer = fixture.Host.WithToken(ConfigServiceHost.WriteToken);
        await fixture.Bucket.PutAsync("Database.Host", "h1");

        using var put = await writer.PutAsJsonAsync("/config/database:host", new { value = "h2" });
        var written = await put.Content.ReadFromJsonAsync<JsonElement>();
        await fixture.Bucket.PutAsync("DATABASE.HOST", "h3"); // another client makes a second key for the path
        using var again = await writer.PutAsJsonAsync("/config/database.host", new { value = "h4" });
        var collided = await again.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("Database.Host", written.GetProperty("key").GetString());
        Assert.Equal(0, written.GetProperty("otherKeys").GetArrayLength());
        Assert.Equal("DATABASE.HOST", collided.GetProperty("key").GetString());
        Assert.Equal(["Database.Host"], collided.GetProperty("otherKeys").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(new Dictionary<string, string> { ["Database.Host"] = "h2", ["DATABASE.HOST"] = "h4" }, await fixture.Bucket.ReadAllAsync());
    }

    [Fact]
    public async Task Rollback_to_before_the_key_existed_is_409_unless_allowDelete_is_true()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        using var writer = fixture.Host.WithToken(ConfigServiceHost.WriteToken);
        var before = await fixture.Bucket.PutAsync("other", "x");
        var current = await fixture.Bucket.PutAsync("timeout", "3000");

        using var refused = await writer.PostAsync($"/config/timeout/rollback?revision={before}", null);
        var refusal = await refused.Content.ReadFromJsonAsync<JsonElement>();
        var kept = (await fixture.Bucket.ReadAllAsync())["timeout"];
        using var badFlag = await writer.PostAsync($"/config/timeout/rollback?revision={before}&allowDelete=maybe", null);
        using var allowed = await writer.PostAsync($"/config/timeout/rollback?revision={before}&allowDelete=true", null);
        var deleted = await allowed.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("did not exist yet", refusal.GetProperty("error").GetString());
        Assert.Contains("allowDelete=true", refusal.GetProperty("error").GetString());
        Assert.DoesNotContain("3000", refusal.GetProperty("error").GetString());
        Assert.Equal("3000", kept);
        Assert.Equal(HttpStatusCode.BadRequest, badFlag.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        Assert.True(deleted.GetProperty("changed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, deleted.GetProperty("revision").ValueKind);
        Assert.False((await fixture.Bucket.ReadAllAsync()).ContainsKey("timeout"));
        Assert.True(current > before);
    }

    [Fact]
    public async Task Rollback_past_the_history_kept_is_409_saying_so()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync(history: 2);
        using var writer = fixture.Host.WithToken(ConfigServiceHost.WriteToken);
        var first = await fixture.Bucket.PutAsync("a", "1");
        await fixture.Bucket.PutAsync("a", "2");
        await fixture.Bucket.PutAsync("a", "3");

        using var response = await writer.PostAsync($"/config/a/rollback?revision={first}", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("older than the history", await ErrorOf(response));
    }

    [Theory]
    [InlineData("not json", HttpStatusCode.BadRequest, "not valid JSON")]
    [InlineData("""{"val": "x"}""", HttpStatusCode.BadRequest, "\"value\"")]
    [InlineData("""["x"]""", HttpStatusCode.BadRequest, "\"value\"")]
    [InlineData("""{"value": 5}""", HttpStatusCode.BadRequest, "must be a JSON string")]
    public async Task A_bad_body_is_400_naming_what_is_wrong(string body, HttpStatusCode status, string message)
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        using var writer = fixture.Host.WithToken(ConfigServiceHost.WriteToken);

        using var response = await Send(writer, HttpMethod.Put, "/config/a", body);

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, await ErrorOf(response));
        Assert.Empty(await fixture.Bucket.ReadAllAsync());
    }

    [Fact]
    public async Task A_body_over_1_MiB_is_413()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        using var writer = fixture.Host.WithToken(ConfigServiceHost.WriteToken);
        var body = JsonSerializer.Serialize(new { value = new string('x', 1024 * 1024) });

        using var response = await Send(writer, HttpMethod.Put, "/config/big", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(await fixture.Bucket.ReadAllAsync());
    }

    [Fact]
    public async Task An_invalid_key_is_400_naming_the_allowed_characters()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        using var writer = fixture.Host.WithToken(ConfigServiceHost.WriteToken);

        using var response = await writer.PutAsJsonAsync("/config/" + Uri.EscapeDataString("bad key!"), new { value = "x" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("A-Z a-z 0-9", await ErrorOf(response));
    }

    [Fact]
    public async Task Writes_need_the_write_token_401_without_or_with_a_wrong_one()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        using var wrong = fixture.Host.WithToken("not-the-token");

        using var none = await fixture.Host.Http.PutAsJsonAsync("/config/a", new { value = "1" });
        using var bad = await wrong.PutAsJsonAsync("/config/a", new { value = "1" });
        using var delete = await fixture.Host.Http.DeleteAsync("/config/a");
        using var rollback = await fixture.Host.Http.PostAsync("/config/a/rollback?revision=1", null);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, rollback.StatusCode);
        Assert.Empty(await fixture.Bucket.ReadAllAsync());
    }

    [Fact]
    public async Task Without_a_write_token_configured_writes_are_403_saying_how_to_set_one()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync(writeToken: null);
        using var anyone = fixture.Host.WithToken("anything");

        using var response = await anyone.PutAsJsonAsync("/config/a", new { value = "1" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("ConfigService__WriteToken", await ErrorOf(response));
    }

    [Fact]
    public async Task A_read_token_guards_reads_and_events_but_not_health_or_metrics()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync(readToken: "read-t0ken-77-for-tests");
        await fixture.Bucket.PutAsync("a", "1");
        using var reader = fixture.Host.WithToken("read-t0ken-77-for-tests");
        using var writer = fixture.Host.WithToken(ConfigServiceHost.WriteToken);

        using var anonymous = await fixture.Host.Http.GetAsync("/config/a");
        using var events = await fixture.Host.Http.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
        using var withReadToken = await reader.GetAsync("/config/a");
        using var withWriteToken = await writer.GetAsync("/config");
        using var readerWrites = await reader.PutAsJsonAsync("/config/a", new { value = "2" });
        using var health = await fixture.Host.Http.GetAsync("/healthz");
        using var metrics = await fixture.Host.Http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, events.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withReadToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withWriteToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, readerWrites.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
    }

    [Fact]
    public async Task Events_stream_each_change_of_the_bucket()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        using var events = await EventLines.OpenAsync(fixture.Host);

        // The service's watch may still be starting: write until an event arrives.
        var attempt = 0;
        await Eventually.TrueAsync(
            async () =>
            {
                await fixture.Bucket.PutAsync("live.key", $"v{++attempt}");
                return events.Any(l => l.Contains("\"key\":\"live.key\"", StringComparison.Ordinal));
            },
            "an event arrived");

        var lines = events.Snapshot();
        Assert.Equal("text/event-stream", events.MediaType);
        Assert.Contains("event: change", lines);
        var data = lines.First(l => l.StartsWith("data: ", StringComparison.Ordinal) && l.Contains("live.key", StringComparison.Ordinal));
        using var change = JsonDocument.Parse(data["data: ".Length..]);
        Assert.Equal("put", change.RootElement.GetProperty("operation").GetString());
        Assert.Equal("live:key", change.RootElement.GetProperty("path").GetString());
        Assert.StartsWith("v", change.RootElement.GetProperty("value").GetString());
    }

    [Fact]
    public async Task Events_keep_flowing_after_the_bucket_was_deleted_and_created_again()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        using var events = await EventLines.OpenAsync(fixture.Host);

        await fixture.Bucket.Kv.DeleteStoreAsync(fixture.Bucket.Name);
        var store = await Stores.CreateAsync(fixture.Bucket.Kv, new NATS.Client.KeyValueStore.NatsKVConfig(fixture.Bucket.Name));

        var attempt = 0;
        await Eventually.TrueAsync(
            async () =>
            {
                await store.PutAsync("after.recreate", $"v{++attempt}");
                return events.Any(l => l.Contains("\"key\":\"after.recreate\"", StringComparison.Ordinal));
            },
            "a change to the new bucket reached the stream",
            TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_stream_reopened_with_Last_Event_ID_first_gets_the_changes_after_it()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        var seen = await fixture.Bucket.PutAsync("replay.a", "1");
        var b = await fixture.Bucket.PutAsync("replay.b", "2");
        await fixture.Bucket.DeleteAsync("replay.a");

        using var events = await EventLines.OpenAsync(fixture.Host, lastEventId: seen);

        await Eventually.TrueAsync(() => events.Any(l => l == $"id: {b + 1}"), () => $"the delete after revision {seen} is replayed (got: {string.Join(" | ", events.Snapshot())})");
        var lines = events.Snapshot();
        Assert.Contains($"id: {b}", lines);
        Assert.DoesNotContain($"id: {seen}", lines);
        Assert.DoesNotContain("event: resync", lines);
        Assert.Contains(lines, l => l.Contains("\"key\":\"replay.a\"", StringComparison.Ordinal) && l.Contains("\"operation\":\"delete\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_Last_Event_ID_the_bucket_cannot_replay_gets_a_resync()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        await fixture.Bucket.PutAsync("a", "1");

        // Newer than anything in the bucket: it was recreated since the client's last event.
        using var events = await EventLines.OpenAsync(fixture.Host, lastEventId: 1_000_000);

        await Eventually.TrueAsync(() => events.Any(l => l == "event: resync"), "the stream says to read everything again");
    }

    [Fact]
    public async Task Healthz_reports_the_services_own_provider_and_metrics_are_prometheus_text()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        await fixture.Bucket.PutAsync("config-service.a", "1"); // under the service's own prefix: its provider reloads

        var health = await fixture.Host.Http.GetFromJsonAsync<JsonElement>("/healthz");
        var text = "";
        await Eventually.TrueAsync(
            async () => (text = await fixture.Host.Http.GetStringAsync("/metrics")).Contains("natskvconfig_reloads_total", StringComparison.Ordinal),
            "the reload of the put was scraped");
        using var metrics = await fixture.Host.Http.GetAsync("/metrics");

        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        var check = health.GetProperty("checks").EnumerateObject().Single().Value;
        Assert.Equal(fixture.Bucket.Name, check.GetProperty("data").GetProperty("bucket").GetString());
        Assert.Equal("connected", check.GetProperty("data").GetProperty("connection_state").GetString());
        Assert.Contains("text/plain", metrics.Content.Headers.ContentType!.ToString());
        foreach (var name in new[] { "natskvconfig_revision", "natskvconfig_keys", "natskvconfig_changes_applied_total", "natskvconfig_change_lag_seconds_bucket", "natskvconfig_connected", "natskvconfig_caught_up", "natskvconfig_initial_load_duration_seconds" })
        {
            Assert.Contains(name, text);
        }

        Assert.Contains($"natskvconfig_bucket=\"{fixture.Bucket.Name}\"", text);
        Assert.Contains("service_name=\"config-service\"", text);
        Assert.Matches(@"natskvconfig_change_lag_seconds_bucket\{[^}]*le=""0.005""", text); // sub-second buckets, not OpenTelemetry's defaults
    }

    [Fact]
    public async Task A_bucket_that_does_not_exist_is_503_saying_how_to_create_it()
    {
        var server = await SharedNatsServer.GetAsync();
        var bucket = Testing.BucketNames.Unique("absent");
        await using var host = await ConfigServiceHost.StartAsync(server.Url, bucket);

        using var response = await host.Http.GetAsync("/config/a");
        using var health = await host.Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains($"nats-kv-config bucket add {bucket}", await ErrorOf(response));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }

    [Fact]
    public async Task The_admin_page_is_served_at_the_root()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();

        using var page = await fixture.Host.Http.GetAsync("/");
        var html = await page.Content.ReadAsStringAsync();
        var script = await fixture.Host.Http.GetStringAsync("/app.js");

        Assert.Contains("<title>NatsKvConfig", html);
        Assert.Equal("default-src 'self'; frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("fetch('/events'", script);
        Assert.DoesNotContain("localStorage", script);
        Assert.DoesNotContain("innerHTML", script);
        Assert.Contains("a.length > MaxDiffLines || b.length > MaxDiffLines", script); // no (a+1)×(b+1) table for huge values
    }

    private static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string url, string? body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }

    internal static async Task<string> ErrorOf(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("error").GetString()!;
    }
}
