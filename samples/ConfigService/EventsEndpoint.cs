using System.Globalization;
using System.Text.Json;
using NatsKvConfig;

namespace ConfigService;

/// <summary>
/// <c>GET /events</c>: Server-Sent Events, one <c>change</c> event per put, delete or purge of the bucket (its id is
/// the revision), from one shared watch (<see cref="ChangeFeed"/>), and a <c>resync</c> event when changes may have
/// been missed (read the list again); a comment every 15 s keeps proxies from closing an idle stream. A client that
/// reconnects with <c>Last-Event-ID</c> first gets the changes after that revision from the bucket's history.
/// </summary>
internal static class EventsEndpoint
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapChangeEvents(this IEndpointRouteBuilder app) =>
        app.MapGet("/events", StreamAsync).AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<TokenCheck>().AuthorizeRead(context.HttpContext) ?? await next(context));

    private static async Task StreamAsync(HttpContext context, ChangeFeed feed, NatsKvConfigClient client, IHostApplicationLifetime lifetime)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        using var subscription = feed.Subscribe(); // before the replay, so that nothing falls between the two
        var response = context.Response;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.WriteAsync("retry: 2000\n: connected\n\n", stop.Token);
        await response.Body.FlushAsync(stop.Token);

        try
        {
            var sent = ulong.TryParse(context.Request.Headers["Last-Event-ID"], NumberStyles.None, CultureInfo.InvariantCulture, out var lastEventId)
                ? await ReplayAsync(response, client, lastEventId, stop.Token)
                : 0;
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

                if (feedEvent.Change is not { } change || subscription.TakeOverflow())
                {
                    await WriteResyncAsync(response, stop.Token);
                    continue;
                }

                if (change.Revision > sent)
                {
                    await WriteChangeAsync(response, change, stop.Token);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The page went away, or the service is stopping.
        }
    }

    /// <summary>
    /// Sends what changed after <paramref name="lastEventId"/>, read from the bucket's history, and returns the last
    /// revision sent (live events up to it are duplicates). When the history no longer reaches back that far, or the
    /// bucket was recreated since (its revisions start again), sends a resync instead.
    /// </summary>
    private static async Task<ulong> ReplayAsync(HttpResponse response, NatsKvConfigClient client, ulong lastEventId, CancellationToken cancellationToken)
    {
        try
        {
            var bucket = await client.GetBucketInfoAsync(cancellationToken);
            if (bucket.LastRevision < lastEventId || (bucket.Entries > 0 && bucket.FirstRevision > lastEventId + 1))
            {
                await WriteResyncAsync(response, cancellationToken);
                return 0;
            }

            var sent = lastEventId;
            foreach (var change in await client.GetSectionHistoryAsync(null, cancellationToken))
            {
                if (change.Revision > lastEventId)
                {
                    await WriteChangeAsync(response, change, cancellationToken);
                    sent = change.Revision;
                }
            }

            return sent;
        }
        catch (NatsKvConfigNotFoundException)
        {
            await WriteResyncAsync(response, cancellationToken);
            return 0;
        }
    }

    private static async Task WriteChangeAsync(HttpResponse response, NatsKvConfigEntry change, CancellationToken cancellationToken)
    {
        var data = JsonSerializer.Serialize(EntryBody.From(change), Json);
        await response.WriteAsync($"id: {change.Revision}\nevent: change\ndata: {data}\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private static async Task WriteResyncAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        await response.WriteAsync("event: resync\ndata: {}\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
