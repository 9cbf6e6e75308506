using System.Text.Json;

namespace ConfigService;

/// <summary>
/// <c>GET /events</c>: Server-Sent Events, one <c>change</c> event per put, delete or purge of the bucket, from one
/// shared watch (<see cref="ChangeFeed"/>), and a <c>resync</c> event when that watch started again (read the list
/// again); a comment every 15 s keeps proxies from closing an idle stream.
/// </summary>
internal static class EventsEndpoint
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapChangeEvents(this IEndpointRouteBuilder app) =>
        app.MapGet("/events", StreamAsync).AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<TokenCheck>().AuthorizeRead(context.HttpContext) ?? await next(context));

    private static async Task StreamAsync(HttpContext context, ChangeFeed feed, IHostApplicationLifetime lifetime)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        using var subscription = feed.Subscribe();
        var response = context.Response;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.WriteAsync("retry: 2000\n: connected\n\n", stop.Token);
        await response.Body.FlushAsync(stop.Token);

        try
        {
            while (!stop.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                wait.CancelAfter(Heartbeat);
                ChangeFeed.FeedEvent feedEvent;
                try
                {
                    if (!await subscription.Changes.WaitToReadAsync(wait.Token) || !subscription.Changes.TryRead(out feedEvent!))
                    {
                        if (subscription.Changes.Completion.IsCompleted)
                        {
                            return; // the service is stopping
                        }

                        continue;
                    }
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    await response.WriteAsync(": heartbeat\n\n", stop.Token);
                    await response.Body.FlushAsync(stop.Token);
                    continue;
                }

                if (feedEvent.Change is not { } change)
                {
                    await response.WriteAsync("event: resync\ndata: {}\n\n", stop.Token);
                    await response.Body.FlushAsync(stop.Token);
                    continue;
                }

                var data = JsonSerializer.Serialize(EntryBody.From(change), Json);
                await response.WriteAsync($"id: {change.Revision}\nevent: change\ndata: {data}\n\n", stop.Token);
                await response.Body.FlushAsync(stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The page went away, or the service is stopping.
        }
    }
}
