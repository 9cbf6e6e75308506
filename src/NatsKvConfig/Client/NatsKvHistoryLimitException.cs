namespace NatsKvConfig;

/// <summary>
/// A read or rollback reached further back than the bucket's history: the values then are no longer kept
/// (the bucket keeps only so many values per key, a purge removed them, or they expired).
/// </summary>
public sealed class NatsKvHistoryLimitException : NatsKvConfigClientException
{
    /// <summary>Creates an exception with no message.</summary>
    public NatsKvHistoryLimitException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public NatsKvHistoryLimitException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public NatsKvHistoryLimitException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal NatsKvHistoryLimitException(string bucket, string? key, NatsKvHistoryPoint point, ulong oldestKeptRevision, int historyDepth, string reason)
        : base(
            $"{(key is null ? "The state" : $"The value of key '{key}'")} at {point} is older than the history NATS KV bucket '{bucket}' keeps: {reason} " +
            $"(the oldest kept revision is {oldestKeptRevision}; the bucket keeps {historyDepth} value(s) per key).",
            bucket,
            null)
    {
        Key = key;
        Point = point;
        OldestKeptRevision = oldestKeptRevision;
        HistoryDepth = historyDepth;
    }

    /// <summary>The key whose history is too short, relative to the client's key prefix, when one key is to blame.</summary>
    public string? Key { get; }

    /// <summary>The point asked for.</summary>
    public NatsKvHistoryPoint? Point { get; }

    /// <summary>The oldest revision still kept (of <see cref="Key"/>, or of the bucket).</summary>
    public ulong OldestKeptRevision { get; }

    /// <summary>How many values per key the bucket keeps.</summary>
    public int HistoryDepth { get; }
}
