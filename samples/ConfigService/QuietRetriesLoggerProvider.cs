namespace ConfigService;

/// <summary>
/// Wraps the logger provider of the service's own configuration source so that an outage is a few lines, not a
/// warning with a stack trace per retry: the library's "watching failed" event (3001) passes only for the first
/// failure in a row, and without its exception (NatsConnectionLog says when NATS is back, and sums up meanwhile).
/// </summary>
internal sealed class QuietRetriesLoggerProvider(ILoggerProvider inner) : ILoggerProvider
{
    private const int WatchFailedEventId = 3001;

    public ILogger CreateLogger(string categoryName) => new QuietLogger(inner.CreateLogger(categoryName));

    public void Dispose() => inner.Dispose();

    private sealed class QuietLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == WatchFailedEventId)
            {
                if (!IsFirstFailure(state))
                {
                    return;
                }

                exception = null;
            }

            inner.Log(logLevel, eventId, state, exception, formatter);
        }

        private static bool IsFirstFailure<TState>(TState state) =>
            state is IReadOnlyList<KeyValuePair<string, object?>> fields
            && fields.Any(field => field.Key == "FailureCount" && field.Value is 1);
    }
}
