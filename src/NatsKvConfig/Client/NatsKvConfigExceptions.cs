using System.Globalization;
using NATS.Client.JetStream;

// The client's exceptions, one family in one file (as NATS.Net keeps its own): a type per thing a caller does
// differently. Each type is created inside the library through named factories, so no constructor overload
// needs a dummy parameter to tell "a message" from "a bucket name".
namespace NatsKvConfig;

/// <summary>
/// The base of the errors <see cref="NatsKvConfigClient"/> raises on purpose. Messages name buckets, keys and
/// revisions, never values or credentials.
/// </summary>
/// <remarks>
/// Catch a derived type to act on one condition: <see cref="NatsKvConfigNotFoundException"/> (the bucket, key or
/// revision does not exist), <see cref="NatsKvRevisionConflictException"/> (a compare-and-swap or create-only write
/// lost), <see cref="NatsKvHistoryLimitException"/> (older than the history kept),
/// <see cref="NatsKvRollbackWouldDeleteException"/> (retry with <see cref="NatsKvRollbackOptions.AllowDelete"/>),
/// <see cref="NatsKvBucketSettingsException"/> (the server refused a bucket's settings), or
/// <see cref="NatsKvOriginUnavailableException"/> (a mirror's origin, which takes its writes, did not answer).
/// </remarks>
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

/// <summary>
/// Something a call needs does not exist: the bucket, the key, or the revision asked for. <see cref="Revision"/> is
/// set when a revision was missing (such as a rollback to a revision newer than the bucket's last); otherwise
/// <see cref="Key"/> is set when the key was missing (a rollback of a key that has no entries at all); otherwise the
/// bucket was missing. Reading a missing key does not throw:
/// <see cref="NatsKvConfigClient.GetAsync(NatsKvConfigKey, CancellationToken)"/> returns <see langword="null"/>.
/// </summary>
/// <remarks>The command-line tool exits with its not-found code, 2.</remarks>
public sealed class NatsKvConfigNotFoundException : NatsKvConfigClientException
{
    /// <summary>Creates an exception with no message.</summary>
    public NatsKvConfigNotFoundException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public NatsKvConfigNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public NatsKvConfigNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    private NatsKvConfigNotFoundException(string message, string bucket, string? key, ulong? revision, Exception? innerException)
        : base(message, bucket, innerException)
    {
        Key = key;
        Revision = revision;
    }

    /// <summary>
    /// The key that was missing, relative to the client's key prefix; with <see cref="Revision"/>, the key whose
    /// revision was asked for. <see langword="null"/> when the bucket was missing, or a revision of the whole bucket.
    /// </summary>
    public string? Key { get; }

    /// <summary>The revision that does not exist; <see langword="null"/> when the bucket or the key was missing.</summary>
    public ulong? Revision { get; }

    internal static NatsKvConfigNotFoundException BucketMissing(string bucket, Exception? innerException) =>
        new($"NATS KV bucket '{bucket}' does not exist.", bucket, null, null, innerException);

    internal static NatsKvConfigNotFoundException KeyMissing(string bucket, string key, string? message = null) =>
        new(message ?? $"Key '{key}' of NATS KV bucket '{bucket}' has no entries.", bucket, key, null, null);

    internal static NatsKvConfigNotFoundException RevisionMissing(string bucket, string? key, ulong revision, string message) =>
        new(message, bucket, key, revision, null);

    /// <summary>A revision past the bucket's last: no key has it yet.</summary>
    internal static NatsKvConfigNotFoundException RevisionAfterLast(string bucket, string? key, ulong revision, ulong lastRevision) =>
        RevisionMissing(
            bucket,
            key,
            revision,
            $"Revision {revision.ToString(CultureInfo.InvariantCulture)} is newer than the last revision of NATS KV bucket '{bucket}', {lastRevision.ToString(CultureInfo.InvariantCulture)}.");
}

/// <summary>
/// A conditional write failed: the key was not at the expected revision (someone else changed it first), or a
/// create-only write (<see cref="NatsKvConfigClient.CreateAsync"/>) found the key holding a value. Read it again,
/// decide, and retry with the new revision.
/// </summary>
/// <remarks>The command-line tool exits with its conflict code, 3.</remarks>
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

    private NatsKvRevisionConflictException(string message, string bucket, string key, ulong expectedRevision, ulong actualRevision, Exception? innerException)
        : base(message, bucket, innerException)
    {
        Key = key;
        ExpectedRevision = expectedRevision;
        ActualRevision = actualRevision;
    }

    /// <summary>The key, relative to the client's key prefix.</summary>
    public string? Key { get; }

    /// <summary>
    /// The revision the write expected the key to be at; 0 meant "the key has no entry" (or, for a create-only
    /// write, "the key has no value").
    /// </summary>
    public ulong ExpectedRevision { get; }

    /// <summary>
    /// The key's revision when the conflict was found (its latest entry, a delete marker included; for a create-only
    /// write, the value it holds); 0 when the key has no entries or its revision could not be read.
    /// </summary>
    public ulong ActualRevision { get; }

    /// <summary>The key was not at <paramref name="expectedRevision"/>.</summary>
    internal static NatsKvRevisionConflictException NotAt(string bucket, string key, ulong expectedRevision, ulong actualRevision, Exception? innerException) =>
        new(
            $"Key '{key}' of NATS KV bucket '{bucket}' is at revision {Describe(actualRevision)}, not at the expected revision {Describe(expectedRevision)}.",
            bucket,
            key,
            expectedRevision,
            actualRevision,
            innerException);

    /// <summary>A create-only write found the key holding a value, at <paramref name="revision"/>.</summary>
    internal static NatsKvRevisionConflictException KeyExists(string bucket, string key, ulong revision) =>
        new($"Key '{key}' of NATS KV bucket '{bucket}' already exists (revision {revision.ToString(CultureInfo.InvariantCulture)}).", bucket, key, 0, revision, null);

    private static string Describe(ulong revision) => revision == 0 ? "0 (no entry)" : revision.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// A read or rollback reached further back than the bucket's history: the values then are no longer kept
/// (the bucket keeps only so many values per key, a purge removed them, or they expired).
/// </summary>
/// <remarks>The command-line tool exits with its not-found code, 2; the config service answers 409.</remarks>
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

    private NatsKvBucketSettingsException(string message, string bucket, Exception innerException)
        : base(message, bucket, innerException)
    {
    }

    /// <summary>The server's refusal of <paramref name="bucket"/>'s settings, with its reason.</summary>
    internal static NatsKvBucketSettingsException Refused(string bucket, NatsJSApiException innerException) =>
        new($"NATS refused the settings of KV bucket '{bucket}': {innerException.Error.Description} (error {innerException.Error.ErrCode}).", bucket, innerException);
}

/// <summary>
/// A write to a bucket that is a mirror (an edge site's read-only copy, such as one on a leaf node) could not reach
/// the bucket it mirrors: a mirror takes no writes, so the client writes through to the origin, and the origin did
/// not answer (the hub is down or cut off, or has no such bucket). Nothing was written. Reads of the mirror keep
/// working; retry the write once the origin is reachable again.
/// </summary>
/// <remarks>The command-line tool exits with its general error code, 1.</remarks>
public sealed class NatsKvOriginUnavailableException : NatsKvConfigClientException
{
    /// <summary>Creates an exception with no message.</summary>
    public NatsKvOriginUnavailableException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public NatsKvOriginUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public NatsKvOriginUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    private NatsKvOriginUnavailableException(string message, string bucket, string originBucket, string? originApiPrefix, Exception? innerException)
        : base(message, bucket, innerException)
    {
        OriginBucket = originBucket;
        OriginApiPrefix = originApiPrefix;
        OriginDomain = NatsKvWire.DomainOf(originApiPrefix);
    }

    /// <summary>The bucket the mirror copies, which takes its writes.</summary>
    public string? OriginBucket { get; }

    /// <summary>The JetStream domain of the origin (such as <c>hub</c>), when the mirror reaches it through one; otherwise <see langword="null"/>.</summary>
    public string? OriginDomain { get; }

    /// <summary>The JetStream API prefix the mirror reaches its origin through (such as <c>$JS.hub.API</c>), or <see langword="null"/> for the local JetStream.</summary>
    public string? OriginApiPrefix { get; }

    /// <summary>A write of <paramref name="key"/> to the mirror <paramref name="bucket"/> found its origin unreachable.</summary>
    internal static NatsKvOriginUnavailableException WriteFailed(string bucket, string key, KvOrigin origin, Exception? innerException) =>
        new(
            $"Key '{key}' was not written: NATS KV bucket '{bucket}' here is a mirror, so writes go to its origin, {origin.Describe()}, " +
            "which did not answer (it is unreachable from this server, or has no such bucket). Reads of the mirror keep working; retry once the origin is reachable.",
            bucket,
            origin.Bucket,
            origin.ApiPrefix,
            innerException);
}
