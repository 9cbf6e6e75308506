using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace NatsKvConfig.IntegrationTests.Infrastructure;

/// <summary>Keeps every log entry in memory so tests can check what was (and was not) logged.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public ILoggerFactory CreateFactory(LogLevel minimumLevel = LogLevel.Debug) =>
        LoggerFactory.Create(builder => builder.SetMinimumLevel(minimumLevel).AddProvider(this));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Whether this library (not NATS.Net, whose event ids overlap) logged <paramref name="eventId"/>.</summary>
    public bool Has(int eventId) => Ours.Any(e => e.EventId == eventId);

    public IEnumerable<LogEntry> Ours => _entries.Where(e => e.Category.StartsWith("NatsKvConfig.", StringComparison.Ordinal));

    public void Dispose()
    {
    }

    public sealed record LogEntry(string Category, LogLevel Level, int EventId, string Message, Exception? Exception)
    {
        public string Everything => Message + Environment.NewLine + Exception;
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue(new LogEntry(category, logLevel, eventId.Id, formatter(state, exception), exception));
    }
}
