using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace NatsKvConfig.Benchmarks;

/// <summary>
/// Counts a fleet's failed watches (event 3001) by the exception's type, from the providers' own logs: what went wrong
/// while many instances started at once.
/// </summary>
internal sealed class WatchFailureCounter : ILoggerFactory, ILoggerProvider, ILogger
{
    private const int WatchFailed = 3001;
    private readonly ConcurrentDictionary<string, int> _byCause = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, int> ByCause => _byCause;

    public int Total => _byCause.Values.Sum();

    public void Clear() => _byCause.Clear();

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id == WatchFailed)
        {
            _byCause.AddOrUpdate(exception?.GetType().Name ?? "unknown", 1, (_, count) => count + 1);
        }
    }

    public void Dispose()
    {
    }
}
