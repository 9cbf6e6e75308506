namespace NatsKvConfig;

/// <summary>
/// A rollback of one key was refused because the key had no value at the revision asked for (it did not exist yet,
/// or was deleted then), so rolling back would delete it. Ask for the delete explicitly with
/// <see cref="NatsKvRollbackOptions.AllowDelete"/>, or roll back to a revision where the key held a value.
/// </summary>
/// <remarks>A conflict between what was asked and what the key holds: the tool exits with its conflict code, the config service answers 409.</remarks>
public sealed class NatsKvRollbackWouldDeleteException : NatsKvConfigClientException
{
    /// <summary>Creates an exception with no message.</summary>
    public NatsKvRollbackWouldDeleteException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public NatsKvRollbackWouldDeleteException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public NatsKvRollbackWouldDeleteException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal NatsKvRollbackWouldDeleteException(string bucket, string key, ulong toRevision, ulong currentRevision, ulong? deletedAtRevision)
        : base(
            $"Key '{key}' of NATS KV bucket '{bucket}' had no value at revision {toRevision} ({Why(deletedAtRevision)}): rolling it back there would delete it, which a rollback does only when asked to.",
            bucket,
            null)
    {
        Key = key;
        ToRevision = toRevision;
        CurrentRevision = currentRevision;
        DeletedAtRevision = deletedAtRevision;
    }

    /// <summary>The key, relative to the client's key prefix.</summary>
    public string? Key { get; }

    /// <summary>The revision the rollback was asked to go back to.</summary>
    public ulong ToRevision { get; }

    /// <summary>The key's current revision (the value a delete would remove).</summary>
    public ulong CurrentRevision { get; }

    /// <summary>
    /// The revision of the delete or purge that left the key without a value at <see cref="ToRevision"/>;
    /// <see langword="null"/> when the key did not exist yet then.
    /// </summary>
    public ulong? DeletedAtRevision { get; }

    private static string Why(ulong? deletedAtRevision) =>
        deletedAtRevision is { } revision ? $"it was deleted at revision {revision}" : "it did not exist yet";
}
