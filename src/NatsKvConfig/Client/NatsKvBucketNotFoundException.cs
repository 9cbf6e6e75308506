namespace NatsKvConfig;

/// <summary>The bucket does not exist. (A command-line tool reports it as "not found".)</summary>
public sealed class NatsKvBucketNotFoundException : NatsKvConfigClientException
{
    /// <summary>Creates an exception with no message.</summary>
    public NatsKvBucketNotFoundException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public NatsKvBucketNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public NatsKvBucketNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal NatsKvBucketNotFoundException(string bucket, Exception? innerException, bool _)
        : base($"NATS KV bucket '{bucket}' does not exist.", bucket, innerException)
    {
    }
}
