namespace NatsKvConfig;

/// <summary>What <see cref="NatsKvConfigurationSource.OnWatchException"/> is told when the watch fails.</summary>
public sealed class NatsKvWatchExceptionContext
{
    internal NatsKvWatchExceptionContext(NatsKvConfigurationSource source, Exception exception, int consecutiveFailureCount)
    {
        Source = source;
        Exception = exception;
        ConsecutiveFailureCount = consecutiveFailureCount;
    }

    /// <summary>The source whose watch failed.</summary>
    public NatsKvConfigurationSource Source { get; }

    /// <summary>What went wrong.</summary>
    public Exception Exception { get; }

    /// <summary>How many attempts in a row have failed, this one included (1 for the first failure).</summary>
    public int ConsecutiveFailureCount { get; }
}
