namespace NatsKvConfig;

/// <summary>
/// A compare-and-swap failed: the key was not at the expected revision (someone else changed it first).
/// Read it again, decide, and retry with the new revision.
/// </summary>
public sealed class NatsKvRevisionConflictException : NatsKvConfigClientException
{
    /// <summary>Creates an exception with no message.</summary>
    public NatsKvRevisionConflictException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public NatsKvRevisionConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public NatsKvRevisionConflictException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal NatsKvRevisionConflictException(string bucket, string key, ulong expectedRevision, ulong actualRevision, Exception? innerException)
        : base(
            $"Key '{key}' of NATS KV bucket '{bucket}' is at revision {Describe(actualRevision)}, not at the expected revision {Describe(expectedRevision)}.",
            bucket,
            innerException)
    {
        Key = key;
        ExpectedRevision = expectedRevision;
        ActualRevision = actualRevision;
    }

    /// <summary>The key, relative to the client's key prefix.</summary>
    public string? Key { get; }

    /// <summary>The revision the write expected the key to be at; 0 meant "the key does not exist".</summary>
    public ulong ExpectedRevision { get; }

    /// <summary>
    /// The key's revision when the conflict was found (its latest entry, a delete marker included); 0 when
    /// the key has no entries.
    /// </summary>
    public ulong ActualRevision { get; }

    private static string Describe(ulong revision) => revision == 0 ? "0 (no entry)" : revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
