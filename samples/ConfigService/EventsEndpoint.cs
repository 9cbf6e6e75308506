using System.Globalization;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using NatsKvConfig;

namespace ConfigService;

/// <summary>
/// <c>GET /events</c>: Server-Sent Events, one <c>change</c> event per put, delete or purge of the bucket (its id is
/// the revision), from one shared watch (<see cref="ChangeFeed"/>), and a <c>resync</c> event when changes may have
/// been missed (read the list again); a comment every 15 s keeps proxies from closing an idle stream. A client that
/// reconnects with <c>Last-Event-ID</c> first gets the changes after that revision, read from the bucket by a
/// consumer starting there, or a resync when there are more than <c>MaxReplayEvents</c>. Streams are capped in
/// number (<see cref="EventStreamSlots"/>) and in what waits for them; one whose client stops reading is closed.
/// </summary>
internal static class EventsEndpoint
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    /// <summary>How long one write may wait for a client that does not read before its stream is closed.</summary>
    private static readonly TimeSpan StalledWrite = TimeSpan.FromSeconds(30);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapChangeEvents(this IEndpointRouteBuilder app) =>
        app.MapGet("/events", StreamAsync).AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<TokenCheck>().AuthorizeRead(context.HttpContext) ?? await next(context));

    private static async Task StreamAsync(HttpContext context, IServiceProvider services, IHostApplicationLifetime lifetime)
    {
        var feed = services.GetRequiredService<ChangeFeed>();
        var settings = services.GetRequiredService<ConfigServiceSettings>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EventsEndpoint).FullName!);
        var metrics = services.GetRequiredService<ServiceMetrics>();
        var client = services.GetRequiredService<TokenCheck>().ClientOf(context);
        var (slot, refusal) = services.GetRequiredService<EventStreamSlots>().TryTake(client);
        if (slot is null)
        {
            metrics.StreamRefused("limit");
            Log.EventStreamRefused(logger, client, refusal!);
            context.Response.Headers.RetryAfter = "30";
            await ApiErrors.Error(StatusCodes.Status429TooManyRequests, refusal!).ExecuteAsync(context);
            return;
        }

        using var held = slot;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        using var subscription = feed.Subscribe(); // before the replay, so that nothing falls between the two
        var stream = new EventWriter(context.Response, metrics, stop.Token);
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Accel-Buffering"] = "no";

        try
        {
            await stream.WriteAsync("retry: 2000\n: connected\n\n");
            var sent = ulong.TryParse(context.Request.Headers["Last-Event-ID"], NumberStyles.None, CultureInfo.InvariantCulture, out var lastEventId)
                ? await ReplayAsync(stream, services, settings, lastEventId, stop.Token)
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
                    await stream.WriteAsync(": heartbeat\n\n");
                    continue;
                }

                subscription.Taken(feedEvent);
                var overflowed = subscription.TakeOverflow(); // first: it also clears what waits
                if (overflowed || feedEvent.Change is not { } change)
                {
                    await stream.ResyncAsync();
                    continue;
                }

                if (change.Revision > sent)
                {
                    await stream.ChangeAsync(EntryBody.From(change));
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The page went away, or the service is stopping.
        }
        catch (TimeoutException)
        {
            Log.EventStreamStalled(logger, client, StalledWrite);
        }
    }

    /// <summary>
    /// Sends what changed after <paramref name="lastEventId"/>, read by a consumer that starts at the next revision
    /// (never the whole history), and returns the last revision sent (live events up to it are duplicates). Sends a
    /// resync instead when the history no longer reaches back that far, the bucket was recreated since (its
    /// revisions start again), more than <c>MaxReplayEvents</c> changes are missing, or NATS does not answer in time.
    /// </summary>
    private static async Task<ulong> ReplayAsync(EventWriter stream, IServiceProvider services, ConfigServiceSettings settings, ulong lastEventId, CancellationToken cancellationToken)
    {
        var client = services.GetRequiredService<NatsKvConfigClient>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.NatsRequestTimeout);
        try
        {
            var bucket = await client.GetBucketInfoAsync(deadline.Token);
            if (bucket.LastRevision == lastEventId)
            {
                return lastEventId; // nothing missed
            }

            if (bucket.LastRevision < lastEventId
                || (bucket.Entries > 0 && bucket.FirstRevision > lastEventId + 1)
                || bucket.LastRevision - lastEventId > (ulong)settings.MaxReplayEvents)
            {
                await stream.ResyncAsync();
                return 0;
            }

            var store = await new NatsKVContext(new NatsJSContext(services.GetRequiredService<INatsConnection>())).GetStoreAsync(client.Bucket, deadline.Token);
            var opts = new NatsKVWatchOpts { ResumeAtRevision = lastEventId + 1 };
            var sent = lastEventId;
            await foreach (var entry in store.WatchAsync(">", NatsRawSerializer<byte[]>.Default, opts, deadline.Token))
            {
                if (entry.Revision > lastEventId)
                {
                    await stream.ChangeAsync(EntryBody.From(entry));
                    sent = entry.Revision;
                }

                // Up to what the bucket held when the replay began: later changes come from the live feed.
                if (entry.Revision >= bucket.LastRevision || entry.Delta == 0)
                {
                    break;
                }
            }

            return sent;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested && exception is not TimeoutException)
        {
            // The bucket is gone, or NATS did not answer in time: the client reads everything again.
            await stream.ResyncAsync();
            return 0;
        }
    }

    /// <summary>Writes events to one stream; a write the client leaves waiting for <see cref="StalledWrite"/> ends it (TimeoutException).</summary>
    private sealed class EventWriter(HttpResponse response, ServiceMetrics metrics, CancellationToken stop)
    {
        public Task ChangeAsync(EntryBody change) =>
            WriteAsync($"id: {change.Revision.ToString(CultureInfo.InvariantCulture)}\nevent: change\ndata: {JsonSerializer.Serialize(change, Json)}\n\n");

        public Task ResyncAsync()
        {
            metrics.StreamResynced();
            return WriteAsync("event: resync\ndata: {}\n\n");
        }

        public async Task WriteAsync(string text)
        {
            using var stalled = CancellationTokenSource.CreateLinkedTokenSource(stop);
            stalled.CancelAfter(StalledWrite);
            try
            {
                await response.WriteAsync(text, stalled.Token);
                await response.Body.FlushAsync(stalled.Token);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                throw new TimeoutException("the client stopped reading its event stream");
            }
        }
    }
}
