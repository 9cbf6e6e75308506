using System.Net;
using System.Net.Http.Json;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.ConfigService;

/// <summary>The service under hostile use: its own settings, who may read, event streams, request targets, tokens.</summary>
public class ConfigServiceHardeningTests
{
    private const string SecretLooking = "wrong-t0ken-but-secret-9f2c";

    [Fact]
    public async Task A_value_meant_for_other_apps_never_reconfigures_the_service()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        using var writer = fixture.Host.WithToken(ConfigServiceHost.WriteToken);

        using var hosts = await writer.PutAsJsonAsync("/config/AllowedHosts", new { value = "nothing.example" });
        using var logging = await writer.PutAsJsonAsync("/config/" + Uri.EscapeDataString("Logging:LogLevel:Default"), new { value = "None" });
        using var kestrel = await writer.PutAsJsonAsync("/config/" + Uri.EscapeDataString("Kestrel:Limits:MaxRequestBodySize"), new { value = "1" });

        // A key under the service's own prefix, written after them: once the service has it, it has read past them.
        await fixture.Bucket.PutAsync("config-service.marker", "seen");
        await Eventually.TrueAsync(() => fixture.Host.Configuration["marker"] == "seen", "the service's provider applied its own prefix's key");

        Assert.Equal(HttpStatusCode.OK, hosts.StatusCode);
        Assert.Equal(HttpStatusCode.OK, logging.StatusCode);
        Assert.Equal(HttpStatusCode.OK, kestrel.StatusCode);
        Assert.NotEqual("nothing.example", fixture.Host.Configuration["AllowedHosts"]);
        Assert.NotEqual("None", fixture.Host.Configuration["Logging:LogLevel:Default"]);
        Assert.Null(fixture.Host.Configuration["Kestrel:Limits:MaxRequestBodySize"]);
        using var read = await fixture.Host.Http.GetAsync("/config/AllowedHosts");
        using var page = await fixture.Host.Http.GetAsync("/");
        using var write = await writer.PutAsJsonAsync("/config/after", new { value = "still answering" });
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, write.StatusCode);
    }

    [Fact]
    public async Task Without_a_read_token_reads_are_served_to_loopback_clients_only_unless_anonymous_reads_are_allowed()
    {
        var address = NonLoopbackAddress();
        await using var closed = await ConfigServiceFixture.StartAsync(urls: "http://0.0.0.0:0");
        await using var open = await ConfigServiceFixture.StartAsync(urls: "http://0.0.0.0:0", more: new Dictionary<string, string?> { ["ConfigService:AllowAnonymousReads"] = "true" });
        using var remote = new HttpClient { BaseAddress = new Uri($"http://{address}:{closed.Host.Address.Port}") };
        using var local = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{closed.Host.Address.Port}") };
        using var remoteToOpen = new HttpClient { BaseAddress = new Uri($"http://{address}:{open.Host.Address.Port}") };
        await closed.Bucket.PutAsync("a", "1");
        await open.Bucket.PutAsync("a", "1");

        using var remoteRead = await remote.GetAsync("/config/a");
        using var remoteList = await remote.GetAsync("/config");
        using var remoteEvents = await remote.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
        using var localRead = await local.GetAsync("/config/a");
        using var allowed = await remoteToOpen.GetAsync("/config/a");

        Assert.Equal(HttpStatusCode.Forbidden, remoteRead.StatusCode);
        Assert.Contains("ConfigService__AllowAnonymousReads", await ConfigServiceApiTests.ErrorOf(remoteRead));
        Assert.Equal(HttpStatusCode.Forbidden, remoteList.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, remoteEvents.StatusCode);
        Assert.Equal(HttpStatusCode.OK, localRead.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task Values_and_events_are_never_cached()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        await fixture.Bucket.PutAsync("a", "1");

        using var list = await fixture.Host.Http.GetAsync("/config");
        using var one = await fixture.Host.Http.GetAsync("/config/a");
        using var history = await fixture.Host.Http.GetAsync("/config/a/history");
        using var missing = await fixture.Host.Http.GetAsync("/config/none");
        using var events = await fixture.Host.Http.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);

        foreach (var response in new[] { list, one, history, missing, events })
        {
            Assert.True(response.Headers.CacheControl?.NoStore, $"{response.RequestMessage!.RequestUri}: Cache-Control {response.Headers.CacheControl}");
        }
    }

    [Fact]
    public async Task A_Last_Event_ID_further_back_than_MaxReplayEvents_gets_a_resync_instead_of_a_replay()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync(more: new Dictionary<string, string?> { ["ConfigService:MaxReplayEvents"] = "3" });
        var seen = await fixture.Bucket.PutAsync("replay.first", "0");
        for (var i = 1; i <= 5; i++)
        {
            await fixture.Bucket.PutAsync($"replay.k{i}", $"{i}");
        }

        using var events = await EventLines.OpenAsync(fixture.Host, lastEventId: seen);

        await Eventually.TrueAsync(() => events.Any(l => l == "event: resync"), () => $"a resync (got: {string.Join(" | ", events.Snapshot())})");
        Assert.DoesNotContain("event: change", events.Snapshot());
    }

    [Fact]
    public async Task Event_streams_are_capped_per_token_and_in_total()
    {
        const string readToken = "read-t0ken-for-stream-caps";
        await using var fixture = await ConfigServiceFixture.StartAsync(
            readToken: readToken,
            more: new Dictionary<string, string?> { ["ConfigService:MaxEventStreams"] = "3", ["ConfigService:MaxEventStreamsPerClient"] = "2" });
        using var reader = fixture.Host.WithToken(readToken);
        using var writer = fixture.Host.WithToken(ConfigServiceHost.WriteToken);

        var first = await EventLines.OpenAsync(fixture.Host, http: reader);
        using var second = await EventLines.OpenAsync(fixture.Host, http: reader);
        using var thirdOfToken = await EventLines.OpenAsync(fixture.Host, http: reader);
        using var otherToken = await EventLines.OpenAsync(fixture.Host, http: writer);
        using var overTotal = await EventLines.OpenAsync(fixture.Host, http: writer);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, thirdOfToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherToken.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, overTotal.StatusCode);

        first.Dispose(); // its slot comes free once the service sees the stream closed
        await Eventually.TrueAsync(
            async () =>
            {
                using var fresh = fixture.Host.WithToken(readToken);
                using var again = await EventLines.OpenAsync(fixture.Host, http: fresh);
                return again.StatusCode == HttpStatusCode.OK;
            },
            "a stream closed gives its slot back");
    }

    [Fact]
    public async Task A_client_that_stops_reading_its_events_is_sent_a_resync_instead_of_being_buffered()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync(more: new Dictionary<string, string?> { ["ConfigService:EventBufferBytes"] = "65536" });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events");
        using var response = await fixture.Host.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var body = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal(":" + " connected", await FirstCommentAsync(body)); // the stream is open: the service's feed knows it

        // Not read while 30 MB of changes go by: far more than the socket's buffers hold.
        var value = new string('x', 500 * 1024);
        const int changes = 60;
        for (var i = 0; i < changes; i++)
        {
            await fixture.Bucket.PutAsync($"big.k{i % 5}", value + i);
        }

        var received = 0;
        var resynced = false;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!resynced && await body.ReadLineAsync(deadline.Token) is { } line)
        {
            received += line == "event: change" ? 1 : 0;
            resynced = line == "event: resync";
        }

        Assert.True(resynced, $"no resync after {received} changes");
        Assert.True(received < changes, $"every one of the {changes} changes was kept for the stalled client");
    }

    [Theory]
    [InlineData("GET /config/a.b/../c.d HTTP/1.1")]
    [InlineData("GET /config/a.b/%2e%2e/c.d HTTP/1.1")]
    [InlineData("GET /config/a.b/%2E./c.d HTTP/1.1")]
    [InlineData("GET /config/./c.d HTTP/1.1")]
    public async Task A_request_target_with_dot_segments_is_400(string requestLine)
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        await fixture.Bucket.PutAsync("c.d", "1");

        var (status, text) = await RawHttpAsync(fixture.Host.Address, requestLine);
        var (control, _) = await RawHttpAsync(fixture.Host.Address, "GET /config/c.d HTTP/1.1");

        Assert.Equal(400, status);
        Assert.Contains("'..'", text);
        Assert.Equal(200, control);
    }

    [Fact]
    public async Task A_write_through_a_target_with_dot_segments_writes_nothing()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();

        var (status, _) = await RawHttpAsync(fixture.Host.Address, "PUT /config/a.b/../c.d HTTP/1.1", ConfigServiceHost.WriteToken, """{"value":"x"}""");

        Assert.Equal(400, status);
        Assert.Empty(await fixture.Bucket.ReadAllAsync());
    }

    [Fact]
    public async Task Failed_token_checks_are_counted_and_logged_without_the_token()
    {
        await using var fixture = await ConfigServiceFixture.StartAsync();
        using var wrong = fixture.Host.WithToken(SecretLooking);

        using var put = await wrong.PutAsJsonAsync("/config/a", new { value = "1" });
        using var none = await fixture.Host.Http.DeleteAsync("/config/a");

        Assert.Equal(HttpStatusCode.Unauthorized, put.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        var text = "";
        await Eventually.TrueAsync(
            async () => (text = await fixture.Host.Http.GetStringAsync("/metrics")).Contains("configservice_auth_failures_total", StringComparison.Ordinal),
            "the failures were scraped");
        Assert.Matches(@"configservice_auth_failures_total\{[^}]*access=""write""[^}]*reason=""invalid""[^}]*\} 1", text);
        Assert.Matches(@"configservice_auth_failures_total\{[^}]*access=""write""[^}]*reason=""missing""[^}]*\} 1", text);
        var refused = fixture.Host.Logs.Entries.Where(e => e.EventId == 20005).ToList();
        Assert.Equal(2, refused.Count);
        Assert.DoesNotContain(fixture.Host.Logs.Entries, e => e.Everything.Contains(SecretLooking, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ConfigService:WriteToken", "ConfigService__WriteToken")]
    [InlineData("ConfigService:ReadToken", "ConfigService__ReadToken")]
    public void A_token_shorter_than_16_characters_is_refused_at_start_naming_the_setting(string setting, string variable)
    {
        var exception = Assert.Throws<InvalidOperationException>(() => ConfigServiceHost.Build(new Dictionary<string, string?> { [setting] = "s3cr3t-15-chars" }));

        Assert.Contains(variable, exception.Message);
        Assert.Contains("16", exception.Message);
        Assert.DoesNotContain("s3cr3t-15-chars", exception.Message);
    }

    [Fact]
    public async Task Tokens_can_be_read_from_files()
    {
        var file = Path.GetTempFileName();
        try
        {
            const string token = "t0ken-from-a-mounted-secret-file";
            await File.WriteAllTextAsync(file, token + "\n");
            await using var fixture = await ConfigServiceFixture.StartAsync(writeToken: null, more: new Dictionary<string, string?> { ["ConfigService:WriteTokenFile"] = file });
            using var writer = fixture.Host.WithToken(token);

            using var put = await writer.PutAsJsonAsync("/config/a", new { value = "1" });

            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task With_a_management_port_health_and_metrics_are_served_there_only_and_outside_AllowedHosts()
    {
        var port = FreePort();
        await using var fixture = await ConfigServiceFixture.StartAsync(more: new Dictionary<string, string?>
        {
            ["ConfigService:ManagementPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AllowedHosts"] = "only.example",
        });
        using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var health = await management.GetAsync("/healthz");
        using var metrics = await management.GetAsync("/metrics");
        using var apiOnManagement = await management.GetAsync("/config");
        using var apiWrongHost = await fixture.Host.Http.GetAsync("/config");
        using var healthOnApi = await SendWithHostAsync(fixture.Host.Http, "/healthz", "only.example");
        using var apiRightHost = await SendWithHostAsync(fixture.Host.Http, "/config", "only.example");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, apiOnManagement.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, apiWrongHost.StatusCode); // AllowedHosts holds on the API's port
        Assert.Equal(HttpStatusCode.NotFound, healthOnApi.StatusCode);
        Assert.Equal(HttpStatusCode.OK, apiRightHost.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendWithHostAsync(HttpClient client, string path, string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        return await client.SendAsync(request);
    }

    private static async Task<string?> FirstCommentAsync(StreamReader body)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await body.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith(':'))
            {
                return line;
            }
        }

        return null;
    }

    /// <summary>Sends a request line as is (HttpClient would remove dot segments) and returns the status and the body.</summary>
    private static async Task<(int Status, string Text)> RawHttpAsync(Uri address, string requestLine, string? token = null, string? body = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        var request = new StringBuilder()
            .Append(requestLine).Append("\r\n")
            .Append("Host: ").Append(address.Authority).Append("\r\n")
            .Append("Connection: close\r\n");
        if (token is not null)
        {
            request.Append("Authorization: Bearer ").Append(token).Append("\r\n");
        }

        var content = Encoding.UTF8.GetBytes(body ?? "");
        if (body is not null)
        {
            request.Append("Content-Type: application/json\r\n").Append("Content-Length: ").Append(content.Length).Append("\r\n");
        }

        request.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()));
        await stream.WriteAsync(content);
        using var reader = new StreamReader(stream);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var text = await reader.ReadToEndAsync(deadline.Token);
        var status = int.Parse(text.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, text);
    }

    private static IPAddress NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
        ?? throw new InvalidOperationException("this test needs an IPv4 address other than loopback to reach the service from");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
