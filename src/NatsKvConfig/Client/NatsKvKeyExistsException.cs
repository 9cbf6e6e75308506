namespace NatsKvConfig;

/// <summary><see cref="NatsKvConfigClient.CreateAsync"/> found the key already holding a value.</summary>
public sealed class NatsKvKeyExistsException : NatsKvConfigClientException
{
    /// <summary>Creates an exception with no message.</summary>
    public NatsKvKeyExistsException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public NatsKvKeyExistsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public NatsKvKeyExistsException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal NatsKvKeyExistsException(string bucket, string key, ulong revision, Exception? innerException)
        : base($"Key '{key}' of NATS KV bucket '{bucket}' already exists (revision {revision}).", bucket, innerException)
    {
        Key = key;
        Revision = revision;
    }

    /// <summary>The key, relative to the client's key prefix.</summary>
    public string? Key { get; }

    /// <summary>The existing value's revision (0 when it could not be read).</summary>
    public ulong Revision { get; }
}
