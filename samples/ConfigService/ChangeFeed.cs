using System.Threading.Channels;
using NatsKvConfig;

namespace ConfigService;

/// <summary>
/// One watch of the bucket for the whole service, fanned out to every open <c>/events</c> stream: a hundred admin
/// pages cost one NATS consumer, not a hundred. A slow page loses its oldest events, never blocks the others.
/// </summary>
internal sealed class ChangeFeed : BackgroundService
{
    private readonly NatsKvConfigClient _client;
    private readonly ILogger<ChangeFeed> _logger;
    private readonly object _gate = new();
    private readonly List<Channel<NatsKvConfigEntry>> _subscribers = [];

    public ChangeFeed(NatsKvConfigClient client, ILogger<ChangeFeed> logger)
    {
        _client = client;
        _logger = logger;
    }

    /// <summary>A subscription to changes from now on; dispose it to leave.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<NatsKvConfigEntry>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate)
        {
            _subscribers.Add(channel);
        }

        return new Subscription(this, channel);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var entry in _client.WatchAsync(cancellationToken: stoppingToken))
                {
                    delay = TimeSpan.FromMilliseconds(250);
                    Publish(entry);
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

    private void Publish(NatsKvConfigEntry entry)
    {
        lock (_gate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(entry);
            }
        }
    }

    private void Leave(Channel<NatsKvConfigEntry> channel)
    {
        lock (_gate)
        {
            _subscribers.Remove(channel);
        }

        channel.Writer.TryComplete();
    }

    /// <summary>One open event stream's view of the feed.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly ChangeFeed _feed;
        private readonly Channel<NatsKvConfigEntry> _channel;

        internal Subscription(ChangeFeed feed, Channel<NatsKvConfigEntry> channel)
        {
            _feed = feed;
            _channel = channel;
        }

        public ChannelReader<NatsKvConfigEntry> Changes => _channel.Reader;

        public void Dispose() => _feed.Leave(_channel);
    }
}
