namespace NatsKvConfig;

/// <summary>
/// The base of the errors <see cref="NatsKvConfigClient"/> raises on purpose. Messages name buckets, keys and
/// revisions, never values or credentials.
/// </summary>
public class NatsKvConfigClientException : Exception
{
    /// <summary>Creates an exception with no message.</summary>
    public NatsKvConfigClientException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public NatsKvConfigClientException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public NatsKvConfigClientException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception about <paramref name="bucket"/>.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="bucket">The bucket concerned.</param>
    /// <param name="innerException">The cause, if any.</param>
    protected NatsKvConfigClientException(string message, string? bucket, Exception? innerException)
        : base(message, innerException)
    {
        Bucket = bucket;
    }

    /// <summary>The bucket concerned, when known.</summary>
    public string? Bucket { get; }
}
