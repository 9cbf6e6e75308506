using Microsoft.Extensions.Logging;

namespace NatsKvConfig;

/// <summary>
/// The log events of <see cref="NatsKvLock"/> and <see cref="NatsKvLockHandle"/>, ids 10001–10019 and 11010–11019
/// (documented in docs/locks.md). They name locks, buckets and revisions, never values.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 10001, Level = LogLevel.Debug, Message = "Acquired lock '{Name}' in NATS KV bucket '{Bucket}' with fencing token {FencingToken} (lease {LeaseMs} ms)")]
    public static partial void LockAcquired(ILogger logger, string name, string bucket, ulong fencingToken, long leaseMs);

    [LoggerMessage(EventId = 10002, Level = LogLevel.Information, Message = "Took over lock '{Name}' in NATS KV bucket '{Bucket}' with fencing token {FencingToken}: its entry (revision {StaleRevision}) was at least {AgeMs} ms old by the server's clock, older than the lease, so its holder had stopped renewing")]
    public static partial void LockTakenOver(ILogger logger, string name, string bucket, ulong fencingToken, ulong staleRevision, long ageMs);

    [LoggerMessage(EventId = 10003, Level = LogLevel.Debug, Message = "Lock '{Name}' in NATS KV bucket '{Bucket}' is held by another owner (revision {Revision})")]
    public static partial void LockBusy(ILogger logger, string name, string bucket, ulong revision);

    [LoggerMessage(EventId = 10004, Level = LogLevel.Debug, Message = "Waiting for lock '{Name}' in NATS KV bucket '{Bucket}' (held at revision {Revision}): watching the key, and rechecking when the holder's lease can have ended in {ExpiryMs} ms")]
    public static partial void WaitingForLock(ILogger logger, string name, string bucket, ulong revision, long expiryMs);

    [LoggerMessage(EventId = 10005, Level = LogLevel.Debug, Message = "Gave up acquiring lock '{Name}' in NATS KV bucket '{Bucket}' after waiting {WaitMs} ms")]
    public static partial void AcquireTimedOut(ILogger logger, string name, string bucket, long waitMs);

    [LoggerMessage(EventId = 10006, Level = LogLevel.Debug, Message = "Released lock '{Name}' in NATS KV bucket '{Bucket}' (fencing token {FencingToken}) by deleting it at revision {Revision}")]
    public static partial void LockReleased(ILogger logger, string name, string bucket, ulong fencingToken, ulong revision);

    [LoggerMessage(EventId = 10007, Level = LogLevel.Information, Message = "Did not release lock '{Name}' in NATS KV bucket '{Bucket}' (fencing token {FencingToken}): it is no longer ours (it expired and was taken over, or was deleted), so it is left alone")]
    public static partial void ReleaseSkipped(ILogger logger, string name, string bucket, ulong fencingToken);

    [LoggerMessage(EventId = 10008, Level = LogLevel.Warning, Message = "Could not release lock '{Name}' in NATS KV bucket '{Bucket}' (fencing token {FencingToken}); it ends by itself when its lease ({LeaseMs} ms) runs out")]
    public static partial void ReleaseFailed(ILogger logger, Exception? exception, string name, string bucket, ulong fencingToken, long leaseMs);

    [LoggerMessage(EventId = 10009, Level = LogLevel.Warning, Message = "Lost lock '{Name}' in NATS KV bucket '{Bucket}' (fencing token {FencingToken}): it could not be renewed in time, and its lease ({LeaseMs} ms) can end within {MarginMs} ms")]
    public static partial void LockLostNotRenewed(ILogger logger, string name, string bucket, ulong fencingToken, long leaseMs, long marginMs);

    [LoggerMessage(EventId = 10010, Level = LogLevel.Warning, Message = "Lost lock '{Name}' in NATS KV bucket '{Bucket}' (fencing token {FencingToken}): its entry changed under us (now {State}), so someone deleted it or took it over")]
    public static partial void LockLostTaken(ILogger logger, string name, string bucket, ulong fencingToken, string state);

    [LoggerMessage(EventId = 10011, Level = LogLevel.Debug, Message = "Renewing lock '{Name}' in NATS KV bucket '{Bucket}' (fencing token {FencingToken}) failed; retrying in {DelayMs} ms")]
    public static partial void RenewalFailed(ILogger logger, Exception? exception, string name, string bucket, ulong fencingToken, long delayMs);

    [LoggerMessage(EventId = 10012, Level = LogLevel.Information, Message = "A write to lock '{Name}' in NATS KV bucket '{Bucket}' whose reply was lost had been stored (revision {Revision}); carrying on from it")]
    public static partial void LostReplyAdopted(ILogger logger, string name, string bucket, ulong revision);

    [LoggerMessage(EventId = 10013, Level = LogLevel.Warning, Message = "Watching lock '{Name}' in NATS KV bucket '{Bucket}' failed; restarting the watch in {DelayMs} ms (meanwhile the lease timer still rechecks)")]
    public static partial void LockWatchFailed(ILogger logger, Exception exception, string name, string bucket, long delayMs);

    [LoggerMessage(EventId = 10014, Level = LogLevel.Error, Message = "A callback registered on LockLost of lock '{Name}' in NATS KV bucket '{Bucket}' threw")]
    public static partial void LockLostCallbackFailed(ILogger logger, Exception exception, string name, string bucket);

    [LoggerMessage(EventId = 10015, Level = LogLevel.Debug, Message = "Locks in NATS KV bucket '{Bucket}' are written with a per-message TTL of {TtlSeconds} s (nats-server {ServerVersion})")]
    public static partial void UsingMessageTtl(ILogger logger, string bucket, long ttlSeconds, string? serverVersion);

    [LoggerMessage(EventId = 10016, Level = LogLevel.Debug, Message = "An attempt to acquire lock '{Name}' in NATS KV bucket '{Bucket}' failed; retrying in {DelayMs} ms")]
    public static partial void AcquireAttemptFailed(ILogger logger, Exception? exception, string name, string bucket, long delayMs);

    [LoggerMessage(EventId = 10017, Level = LogLevel.Error, Message = "The renewal loop of lock '{Name}' in NATS KV bucket '{Bucket}' ended unexpectedly; the lock counts as lost")]
    public static partial void RenewalLoopCrashed(ILogger logger, Exception exception, string name, string bucket);

    [LoggerMessage(EventId = 11010, Level = LogLevel.Warning, Message = "Lost lock '{Name}' in NATS KV bucket '{Bucket}' (fencing token {FencingToken}): the bucket's max age was lowered to {LeaseMs} ms, and the last confirmed renewal was sent {SinceRenewalMs} ms ago, so the server may have removed the entry already")]
    public static partial void LockLostLeaseShortened(ILogger logger, string name, string bucket, ulong fencingToken, long leaseMs, long sinceRenewalMs);

    [LoggerMessage(EventId = 11011, Level = LogLevel.Debug, Message = "Could not read the max age of NATS KV bucket '{Bucket}' before renewing lock '{Name}'; renewing with the lease of {LeaseMs} ms known so far")]
    public static partial void LeaseRefreshFailed(ILogger logger, Exception exception, string name, string bucket, long leaseMs);

    [LoggerMessage(EventId = 11012, Level = LogLevel.Information, Message = "The max age of NATS KV bucket '{Bucket}' changed from {OldLeaseMs} ms to {LeaseMs} ms; lock '{Name}' (fencing token {FencingToken}) is renewed on the new lease")]
    public static partial void LeaseChanged(ILogger logger, string name, string bucket, ulong fencingToken, long oldLeaseMs, long leaseMs);

    [LoggerMessage(EventId = 11013, Level = LogLevel.Debug, Message = "Renewing lock '{Name}' in NATS KV bucket '{Bucket}' was refused, and the key read back at revision {Revision}, no newer than this holder's last write at {LastRevision} (a lagging replica); reading again")]
    public static partial void StaleRenewalRead(ILogger logger, string name, string bucket, ulong revision, ulong lastRevision);

    [LoggerMessage(EventId = 11014, Level = LogLevel.Debug, Message = "Writing lock '{Name}' in NATS KV bucket '{Bucket}' got no answer; reading the key to see whether the write was stored")]
    public static partial void AcquireWriteUnanswered(ILogger logger, Exception? exception, string name, string bucket);
}
