using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace NatsKvConfig.Tests.Hosting;

/// <summary>
/// A provider's logging before its host exists: events kept (bounded), written to the host's logging once, in
/// order, with their levels, ids and categories, then everything live.
/// </summary>
public class DeferredLoggerFactoryTests
{
    [Fact]
    public void Events_logged_before_the_host_are_replayed_once_in_order_with_level_id_category_and_exception()
    {
        var deferred = new DeferredLoggerFactory("b");
        var failure = new InvalidOperationException("boom");
        Write(deferred.CreateLogger("One"), LogLevel.Warning, 2001, "first k1");
        Write(deferred.CreateLogger("Two"), LogLevel.Error, 3002, "second", failure);
        Write(deferred.CreateLogger("One"), LogLevel.Information, 1001, "third");
        var host = new CapturingProvider();

        Assert.True(deferred.Connect(host.Factory()));
        Assert.False(deferred.Connect(host.Factory()));

        Assert.Equal(
            [("One", LogLevel.Warning, 2001, "first k1"), ("Two", LogLevel.Error, 3002, "second"), ("One", LogLevel.Information, 1001, "third")],
            host.Entries.Select(e => (e.Category, e.Level, e.EventId, e.Message)));
        Assert.Same(failure, host.Entries.ElementAt(1).Exception);
        Assert.Equal("first k1", host.Entries.First().State["Text"]); // the state itself, as structured logging reads it
    }

    [Fact]
    public void Past_the_capacity_the_first_events_are_replayed_then_how_many_were_dropped()
    {
        var deferred = new DeferredLoggerFactory("orders", capacity: 3);
        var logger = deferred.CreateLogger("C");
        for (var i = 0; i < 10; i++)
        {
            Write(logger, LogLevel.Warning, 2001, $"event {i}");
        }

        var host = new CapturingProvider();
        deferred.Connect(host.Factory());

        Assert.Equal(["event 0", "event 1", "event 2"], host.Entries.Take(3).Select(e => e.Message));
        var dropped = Assert.Single(host.Entries.Skip(3));
        Assert.Equal(13001, dropped.EventId);
        Assert.Equal(LogLevel.Warning, dropped.Level);
        Assert.Equal(7, dropped.State["DroppedCount"]);
        Assert.Equal("orders", dropped.State["Bucket"]);
    }

    [Fact]
    public void Debug_events_are_not_kept_before_the_host_and_follow_the_hosts_filter_after()
    {
        var deferred = new DeferredLoggerFactory("b");
        var logger = deferred.CreateLogger("C");
        Assert.False(logger.IsEnabled(LogLevel.Debug));
        Assert.True(logger.IsEnabled(LogLevel.Information));
        Write(logger, LogLevel.Debug, 1, "not kept");
        Write(logger, LogLevel.Information, 1, "kept");
        var host = new CapturingProvider();

        deferred.Connect(host.Factory(LogLevel.Debug));
        Write(logger, LogLevel.Debug, 1, "live debug");

        Assert.True(logger.IsEnabled(LogLevel.Debug));
        Assert.Equal(["kept", "live debug"], host.Entries.Select(e => e.Message));
    }

    [Fact]
    public void Events_after_the_host_connected_go_to_it_at_once_and_a_logger_made_later_too()
    {
        var deferred = new DeferredLoggerFactory("b");
        var host = new CapturingProvider();
        deferred.Connect(host.Factory());

        Write(deferred.CreateLogger("Early"), LogLevel.Warning, 1, "one");
        Write(deferred.CreateLogger("Late"), LogLevel.Warning, 1, "two");

        Assert.Equal([("Early", "one"), ("Late", "two")], host.Entries.Select(e => (e.Category, e.Message)));
    }

    [Fact]
    public void After_the_host_disconnects_events_are_dropped_and_a_later_host_gets_only_live_ones()
    {
        var deferred = new DeferredLoggerFactory("b");
        var logger = deferred.CreateLogger("C");
        var first = new CapturingProvider();
        var firstFactory = first.Factory();
        deferred.Connect(firstFactory);
        Write(logger, LogLevel.Warning, 1, "to the first host");

        deferred.Disconnect(firstFactory);
        Write(logger, LogLevel.Warning, 1, "to nobody");
        var second = new CapturingProvider();
        Assert.True(deferred.Connect(second.Factory()));
        Write(logger, LogLevel.Warning, 1, "to the second host");

        Assert.Equal(["to the first host"], first.Entries.Select(e => e.Message));
        Assert.Equal(["to the second host"], second.Entries.Select(e => e.Message));
    }

    [Fact]
    public void Disconnecting_a_host_that_is_not_connected_changes_nothing()
    {
        var deferred = new DeferredLoggerFactory("b");
        var host = new CapturingProvider();
        deferred.Connect(host.Factory());

        deferred.Disconnect(new CapturingProvider().Factory());
        Write(deferred.CreateLogger("C"), LogLevel.Warning, 1, "still here");

        Assert.True(deferred.IsConnected);
        Assert.Equal(["still here"], host.Entries.Select(e => e.Message));
    }

    [Fact]
    public async Task Events_written_while_the_host_connects_arrive_once_and_in_order()
    {
        const int Count = 20_000;
        var deferred = new DeferredLoggerFactory("b", capacity: Count);
        var logger = deferred.CreateLogger("C");
        var host = new CapturingProvider();
        using var started = new ManualResetEventSlim();
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < Count; i++)
            {
                Write(logger, LogLevel.Warning, 1, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (i == Count / 10)
                {
                    started.Set();
                }
            }
        });

        started.Wait(TimeSpan.FromSeconds(10));
        deferred.Connect(host.Factory());
        await writer;

        Assert.Equal(Enumerable.Range(0, Count), host.Entries.Select(e => int.Parse(e.Message, System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Writes an event as the library's generated logging does: a structured state and a formatter.</summary>
    private static void Write(ILogger logger, LogLevel level, int eventId, string text, Exception? exception = null)
    {
        KeyValuePair<string, object?>[] state = [new("Text", text)];
        logger.Log(level, new EventId(eventId), state, exception, static (fields, _) => (string)fields[0].Value!);
    }

    /// <summary>Keeps what the host's logging received, with the structured state.</summary>
    private sealed class CapturingProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<Entry> _entries = new();

        public IReadOnlyCollection<Entry> Entries => _entries;

        public ILoggerFactory Factory(LogLevel minimum = LogLevel.Information) =>
            LoggerFactory.Create(builder => builder.SetMinimumLevel(minimum).AddProvider(this));

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        public sealed record Entry(string Category, LogLevel Level, int EventId, string Message, Exception? Exception, IReadOnlyDictionary<string, object?> State);

        private sealed class Logger(CapturingProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var fields = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
                owner._entries.Enqueue(new Entry(category, logLevel, eventId.Id, formatter(state, exception), exception, fields.ToDictionary(f => f.Key, f => f.Value)));
            }
        }
    }
}
