using System.Net;

namespace NatsKvConfig.IntegrationTests.ConfigService;

/// <summary>An open <c>/events</c> stream, its lines collected in the background as they arrive.</summary>
internal sealed class EventLines : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly List<string> _lines = [];

    private EventLines(HttpResponseMessage response) => _response = response;

    public string? MediaType => _response.Content.Headers.ContentType?.MediaType;

    public HttpStatusCode StatusCode => _response.StatusCode;

    public static async Task<EventLines> OpenAsync(ConfigServiceHost host, ulong? lastEventId = null, HttpClient? http = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events");
        if (lastEventId is { } id)
        {
            request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var events = new EventLines(await (http ?? host.Http).SendAsync(request, HttpCompletionOption.ResponseHeadersRead));
        var stream = new StreamReader(await events._response.Content.ReadAsStreamAsync());
        _ = Task.Run(async () =>
        {
            using (stream)
            {
                try
                {
                    while (await stream.ReadLineAsync() is { } line)
                    {
                        lock (events._lines)
                        {
                            events._lines.Add(line);
                        }
                    }
                }
                catch (Exception exception) when (exception is IOException or ObjectDisposedException or HttpRequestException)
                {
                    // The test is over and closed the stream.
                }
            }
        });
        return events;
    }

    public bool Any(Func<string, bool> predicate)
    {
        lock (_lines)
        {
            return _lines.Any(predicate);
        }
    }

    public List<string> Snapshot()
    {
        lock (_lines)
        {
            return [.. _lines];
        }
    }

    public void Dispose() => _response.Dispose();
}
