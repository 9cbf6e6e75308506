using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace NatsKvConfig;

/// <summary>
/// The logger factory of a provider whose source set none: providers are built before the host's services exist, so
/// its loggers keep what they are given (<see cref="StartupLogBuffer"/>) until <see cref="Connect"/> hands them the
/// host's factory, then write the kept events there once, in order, and everything after straight through.
/// </summary>
/// <remarks>
/// Writers that find no host take a lock; <see cref="Connect"/> replays under the same lock and only then publishes
/// the host, so an event written during the replay waits and comes after it. Once connected, writing takes no lock.
/// </remarks>
internal sealed class DeferredLoggerFactory : ILoggerFactory
{
    private readonly object _gate = new();
    private readonly StartupLogBuffer _buffer;
    private readonly string _bucket;
    private readonly ConcurrentDictionary<string, DeferredLogger> _loggers = new(StringComparer.Ordinal);

    // Null while buffering; the host's factory once connected; NullLoggerFactory once disconnected (events dropped).
    private ILoggerFactory? _host;

    /// <param name="bucket">The provider's bucket, for the message about dropped events.</param>
    /// <param name="capacity">How many events to keep before the host's logging is connected.</param>
    public DeferredLoggerFactory(string bucket, int capacity = StartupLogBuffer.DefaultCapacity)
    {
        _bucket = bucket;
        _buffer = new StartupLogBuffer(capacity);
    }

    /// <summary>Whether a host's logging is connected now.</summary>
    public bool IsConnected => Volatile.Read(ref _host) is { } host && host is not NullLoggerFactory;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) =>
        _loggers.GetOrAdd(categoryName, static (category, owner) => new DeferredLogger(owner, category), this);

    /// <summary>
    /// Connects the host's logging: writes the kept events to it (each to a logger of its own category, with its level,
    /// id and exception), then how many were dropped, and from then on every event. Only the first host is connected
    /// while it is: a second call returns <see langword="false"/> and changes nothing.
    /// </summary>
    /// <returns>Whether this call connected <paramref name="host"/>.</returns>
    public bool Connect(ILoggerFactory host)
    {
        ArgumentNullException.ThrowIfNull(host);
        lock (_gate)
        {
            if (_host is not null and not NullLoggerFactory)
            {
                return false;
            }

            var (events, dropped) = _buffer.Drain();
            foreach (var logEvent in events)
            {
                logEvent.WriteTo(LoggerFor(host, logEvent.Category));
            }

            if (dropped > 0)
            {
                Log.StartupLogEventsDropped(host.CreateLogger<NatsKvConfigurationProvider>(), _bucket, dropped, _buffer.Capacity);
            }

            Volatile.Write(ref _host, host);
            return true;
        }
    }

    /// <summary>
    /// Disconnects <paramref name="host"/> (its services are being disposed): events are dropped from then on, until
    /// another host connects. Does nothing when another host is connected.
    /// </summary>
    public void Disconnect(ILoggerFactory host)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_host, host))
            {
                Volatile.Write(ref _host, NullLoggerFactory.Instance);
            }
        }
    }

    /// <summary>Not supported: the host's providers are reached through the host's factory, once connected.</summary>
    void ILoggerFactory.AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("The NATS KV provider's logging follows its host's: add providers to the host's logging.");

    /// <summary>Nothing to release: the host's factory belongs to the host.</summary>
    public void Dispose()
    {
    }

    private ILogger LoggerFor(ILoggerFactory host, string category) =>
        _loggers.GetOrAdd(category, static (c, owner) => new DeferredLogger(owner, c), this).TargetIn(host);

    private void Write<TState>(DeferredLogger logger, LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var host = Volatile.Read(ref _host);
        if (host is null)
        {
            lock (_gate)
            {
                host = _host;
                if (host is null)
                {
                    _buffer.Add(new BufferedLogEvent<TState>(logger.Category, level, eventId, state, exception, formatter));
                    return;
                }
            }
        }

        logger.TargetIn(host).Log(level, eventId, state, exception, formatter);
    }

    /// <summary>A logger of one category: buffers through its factory until a host is connected, then writes to the host's logger.</summary>
    private sealed class DeferredLogger(DeferredLoggerFactory owner, string category) : ILogger
    {
        // The host's logger of this category and the factory it came from; replaced when another host connects.
        private Target? _target;

        public string Category => category;

        public ILogger TargetIn(ILoggerFactory host)
        {
            var target = Volatile.Read(ref _target);
            if (target is null || !ReferenceEquals(target.Host, host))
            {
                target = new Target(host, host.CreateLogger(category));
                Volatile.Write(ref _target, target);
            }

            return target.Logger;
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull =>
            Volatile.Read(ref owner._host) is { } host ? TargetIn(host).BeginScope(state) : null;

        public bool IsEnabled(LogLevel logLevel) =>
            Volatile.Read(ref owner._host) is { } host ? TargetIn(host).IsEnabled(logLevel) : StartupLogBuffer.Keeps(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Write(this, logLevel, eventId, state, exception, formatter);

        private sealed record Target(ILoggerFactory Host, ILogger Logger);
    }
}
