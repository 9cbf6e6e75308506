using System.Threading.Channels;
using NatsKvConfig;

namespace ConfigService;

/// <summary>
/// One watch of the bucket for the whole service, fanned out to every open <c>/events</c> stream: a hundred admin
/// pages cost one NATS consumer, not a hundred. A slow page loses its oldest events, never blocks the others, and
/// is told so (<see cref="Subscription.TakeOverflow"/>). When the watch had to start again, changes in between may
/// be missed: streams get a resync event then, and pages read the list again.
/// </summary>
internal sealed class ChangeFeed : BackgroundService
{
    private readonly NatsKvConfigClient _client;
    private readonly ILogger<ChangeFeed> _logger;
    private readonly object _gate = new();
    private readonly List<Channel<FeedEvent>> _subscribers = [];

    public ChangeFeed(NatsKvConfigClient client, ILogger<ChangeFeed> logger)
    {
        _client = client;
        _logger = logger;
    }

    /// <summary>A subscription to changes from now on; dispose it to leave.</summary>
    public Subscription Subscribe()
    {
        Subscription? subscription = null;
        var channel = Channel.CreateBounded<FeedEvent>(
            new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => subscription!.MarkOverflowed());
        subscription = new Subscription(this, channel);
        lock (_gate)
        {
            _subscribers.Add(channel);
        }

        return subscription;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
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
                    Publish(new FeedEvent(entry));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                Log.ChangeFeedFailed(_logger, _client.Bucket, exception.GetType().Name, delay);
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
                subscriber.Writer.TryComplete();
            }
        }
    }

    private void Publish(FeedEvent feedEvent)
    {
        lock (_gate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(feedEvent);
            }
        }
    }

    private void Leave(Channel<FeedEvent> channel)
    {
        lock (_gate)
        {
            _subscribers.Remove(channel);
        }

        channel.Writer.TryComplete();
    }

    /// <summary>A change of the bucket, or (<see cref="Change"/> null) word that changes may have been missed.</summary>
    public sealed record FeedEvent(NatsKvConfigEntry? Change)
    {
        public static readonly FeedEvent Resync = new((NatsKvConfigEntry?)null);
    }

    /// <summary>One open event stream's view of the feed.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly ChangeFeed _feed;
        private readonly Channel<FeedEvent> _channel;

        internal Subscription(ChangeFeed feed, Channel<FeedEvent> channel)
        {
            _feed = feed;
            _channel = channel;
        }

        private int _overflowed;

        public ChannelReader<FeedEvent> Changes => _channel.Reader;

        /// <summary>Whether events were dropped (the stream fell 256 behind) since the last call.</summary>
        public bool TakeOverflow() => Interlocked.Exchange(ref _overflowed, 0) == 1;

        internal void MarkOverflowed() => Volatile.Write(ref _overflowed, 1);

        public void Dispose() => _feed.Leave(_channel);
    }
}
