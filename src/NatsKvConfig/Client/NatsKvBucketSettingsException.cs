namespace NatsKvConfig;

/// <summary>
/// The server refused a bucket's settings: more replicas than there are servers, a storage change of an existing
/// bucket, a limit it does not allow. The message gives the server's reason.
/// </summary>
public sealed class NatsKvBucketSettingsException : NatsKvConfigClientException
{
    /// <summary>Creates an exception with no message.</summary>
    public NatsKvBucketSettingsException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public NatsKvBucketSettingsException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public NatsKvBucketSettingsException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal NatsKvBucketSettingsException(string bucket, NATS.Client.JetStream.NatsJSApiException innerException)
        : base($"NATS refused the settings of KV bucket '{bucket}': {innerException.Error.Description} (error {innerException.Error.ErrCode}).", bucket, innerException)
    {
    }
}
