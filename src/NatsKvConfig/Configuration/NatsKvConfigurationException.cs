namespace NatsKvConfig;

/// <summary>
/// Configuration could not be loaded from a NATS KV bucket. The message names the bucket and the server URLs
/// (never credentials or values); <see cref="Exception.InnerException"/> holds the cause.
/// </summary>
public sealed class NatsKvConfigurationException : Exception
{
    /// <summary>Creates an exception with no message.</summary>
    public NatsKvConfigurationException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public NatsKvConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public NatsKvConfigurationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal NatsKvConfigurationException(string message, string bucket, string servers, Exception? innerException)
        : base(message, innerException)
    {
        Bucket = bucket;
        Servers = servers;
    }

    /// <summary>The bucket that could not be loaded, when known.</summary>
    public string? Bucket { get; }

    /// <summary>The server URLs that were tried, without credentials, when known.</summary>
    public string? Servers { get; }
}
