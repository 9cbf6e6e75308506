namespace NatsKvConfig;

/// <summary>
/// The key has no entry at all, not even in its history (for example when rolling back a key that never
/// existed). Reading a missing key does not throw: <see cref="NatsKvConfigClient.GetAsync(NatsKvConfigKey, CancellationToken)"/>
/// returns <see langword="null"/>.
/// </summary>
public sealed class NatsKvKeyNotFoundException : NatsKvConfigClientException
{
    /// <summary>Creates an exception with no message.</summary>
    public NatsKvKeyNotFoundException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public NatsKvKeyNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public NatsKvKeyNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal NatsKvKeyNotFoundException(string bucket, string key)
        : base($"Key '{key}' of NATS KV bucket '{bucket}' has no entries.", bucket, null)
    {
        Key = key;
    }

    /// <summary>The key, relative to the client's key prefix.</summary>
    public string? Key { get; }
}
