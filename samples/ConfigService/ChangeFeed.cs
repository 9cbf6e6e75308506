using System.Threading.Channels;
using NatsKvConfig;

namespace ConfigService;

/// <summary>
/// One watch of the bucket for the whole service, fanned out to every open <c>/events</c> stream: a hundred admin
/// pages cost one NATS consumer, not a hundred. A slow page never blocks the others: once the changes waiting for it
/// pass <c>ConfigService:EventBufferBytes</c> they are dropped, and it is told to resync
/// (<see cref="Subscription.TakeOverflow"/>). When the watch had to start again, changes in between may
/// be missed: streams get a resync event then, and pages read the list again.
/// </summary>
internal sealed class ChangeFeed : BackgroundService
{
    private readonly NatsKvConfigClient _client;
    private readonly ILogger<ChangeFeed> _logger;
    private readonly object _gate = new();
    private readonly List<Subscription> _subscribers = [];
    private readonly int _bufferBytes;

    public ChangeFeed(NatsKvConfigClient client, ConfigServiceSettings settings, ILogger<ChangeFeed> logger)
    {
        _client = client;
        _bufferBytes = settings.EventBufferBytes;
        _logger = logger;
    }

    /// <summary>A subscription to changes from now on; dispose it to leave.</summary>
    public Subscription Subscribe()
    {
        var subscription = new Subscription(this, _bufferBytes);
        lock (_gate)
        {
            _subscribers.Add(subscription);
        }

        return subscription;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        var failures = 0;
        for (var restart = false; !stoppingToken.IsCancellationRequested; restart = true)
        {
            if (restart)
            {
                Publish(FeedEvent.Resync);
            }

            try
            {
                await foreach (var entry in _client.WatchAsync(cancellationToken: stoppingToken))
                {
                    delay = TimeSpan.FromMilliseconds(250);
                    failures = 0;
                    Publish(new FeedEvent(entry));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // One warning per outage, not one per attempt (NatsConnectionLog follows the connection itself).
                if (++failures == 1)
                {
                    Log.ChangeFeedFailed(_logger, _client.Bucket, exception.GetType().Name, delay);
                }
                else
                {
                    Log.ChangeFeedRetrying(_logger, _client.Bucket, exception.GetType().Name, failures, delay);
                }
            }

            try
            {
                await Task.Delay(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
        }

        lock (_gate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Complete();
            }
        }
    }

    private void Publish(FeedEvent feedEvent)
    {
        lock (_gate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Offer(feedEvent);
            }
        }
    }

    private void Leave(Subscription subscription)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscription);
        }

        subscription.Complete();
    }

    /// <summary>A change of the bucket, or (<see cref="Change"/> null) word that changes may have been missed.</summary>
    public sealed record FeedEvent(NatsKvConfigEntry? Change)
    {
        public static readonly FeedEvent Resync = new((NatsKvConfigEntry?)null);

        /// <summary>About what the event holds in memory while it waits to be sent (strings are UTF-16).</summary>
        public int Bytes => Change is { } change ? 128 + (2 * change.Key.Length) + (2 * (change.Path?.Length ?? 0)) + (2 * (change.Value?.Length ?? 0)) : 0;
    }

    /// <summary>
    /// One open event stream's view of the feed. What waits to be sent is bounded in bytes: a stream that falls
    /// further behind (a stalled or slow client) loses what waits, and is told to resync (<see cref="TakeOverflow"/>).
    /// </summary>
    public sealed class Subscription : IDisposable
    {
        private readonly ChangeFeed _feed;
        private readonly Channel<FeedEvent> _channel = Channel.CreateUnbounded<FeedEvent>(new UnboundedChannelOptions { SingleReader = true });
        private readonly int _maxBytes;
        private long _bytes;
        private int _overflowed;

        internal Subscription(ChangeFeed feed, int maxBytes)
        {
            _feed = feed;
            _maxBytes = maxBytes;
        }

        public ChannelReader<FeedEvent> Changes => _channel.Reader;

        /// <summary>Whether the stream was dropped behind since the last call: then what still waits is discarded, and the stream should resync.</summary>
        public bool TakeOverflow()
        {
            if (Interlocked.Exchange(ref _overflowed, 0) == 0)
            {
                return false;
            }

            while (_channel.Reader.TryRead(out var dropped))
            {
                Taken(dropped);
            }

            return true;
        }

        /// <summary>Called for each event read from <see cref="Changes"/>: it no longer counts against the buffer.</summary>
        public void Taken(FeedEvent feedEvent) => Interlocked.Add(ref _bytes, -feedEvent.Bytes);

        public void Dispose() => _feed.Leave(this);

        internal void Offer(FeedEvent feedEvent)
        {
            if (Volatile.Read(ref _overflowed) == 1)
            {
                return; // dropped behind: the resync covers this one too
            }

            // One event always fits (a value may be larger than the whole buffer); a second one must fit beside it.
            var size = feedEvent.Bytes;
            var waiting = Interlocked.Add(ref _bytes, size);
            if (waiting > _maxBytes && waiting != size)
            {
                Interlocked.Add(ref _bytes, -size);
                Volatile.Write(ref _overflowed, 1);
                _channel.Writer.TryWrite(FeedEvent.Resync); // wakes the reader, which discards what waits
                return;
            }

            _channel.Writer.TryWrite(feedEvent);
        }

        internal void Complete() => _channel.Writer.TryComplete();
    }
}
