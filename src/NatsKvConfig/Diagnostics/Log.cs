using Microsoft.Extensions.Logging;

namespace NatsKvConfig;

/// <summary>
/// Every log line the library writes, with fixed event ids (documented in docs/monitoring.md).
/// Messages name buckets, keys, revisions and server URLs without credentials, never values.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Loaded {KeyCount} keys ({PathCount} configuration paths) from NATS KV bucket '{Bucket}' at revision {Revision} in {ElapsedMs} ms")]
    public static partial void InitialLoadCompleted(ILogger logger, string bucket, int keyCount, int pathCount, ulong revision, long elapsedMs);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "NATS KV bucket '{Bucket}' at {Servers} could not be loaded; the source is optional, so configuration starts empty and loads as soon as the bucket is reachable")]
    public static partial void OptionalSourceStartsEmpty(ILogger logger, Exception exception, string bucket, string servers);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Applied a batch of {ChangeCount} changes from NATS KV bucket '{Bucket}' up to revision {Revision}; reload raised: {Reloaded}")]
    public static partial void BatchApplied(ILogger logger, string bucket, int changeCount, ulong revision, bool reloaded);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "NATS KV bucket '{Bucket}' was replaced (deleted and recreated, or purged); reloaded its full state at revision {Revision}")]
    public static partial void BucketStateReplaced(ILogger logger, string bucket, ulong revision);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "Reading the full state of NATS KV bucket '{Bucket}' (filter '{Filter}'); it ends at revision {Revision} (known from the server: {Known}); the stream read whole, as it holds one message per key: {WholeStream}")]
    public static partial void ReadingFullState(ILogger logger, string bucket, string filter, ulong revision, bool known, bool wholeStream);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Debug, Message = "Holding back changes to {KeyCount} keys of NATS KV bucket '{Bucket}' (up to revision {Revision}) until the sentinel key '{SentinelKey}' changes")]
    public static partial void ChangesHeldBack(ILogger logger, string bucket, int keyCount, string sentinelKey, ulong revision);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Skipped key '{Key}' (revision {Revision}) of NATS KV bucket '{Bucket}': it cannot be mapped to a configuration path: {Reason}")]
    public static partial void MalformedKeySkipped(ILogger logger, string bucket, string key, ulong revision, string? reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Skipped key '{Key}' (revision {Revision}) of NATS KV bucket '{Bucket}': its value is not valid UTF-8; the key keeps its earlier value")]
    public static partial void InvalidUtf8Skipped(ILogger logger, string bucket, string key, ulong revision);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Key '{Key}' (revision {Revision}) of NATS KV bucket '{Bucket}' looks like JSON but cannot be read as configuration (it does not parse, nests deeper than 64 levels, repeats a property name or escapes a lone surrogate); it is kept as a plain string")]
    public static partial void InvalidJsonKeptAsString(ILogger logger, string bucket, string key, ulong revision);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Keys '{WinningKey}' and '{OtherKey}' of NATS KV bucket '{Bucket}' both map to configuration path '{Path}' (configuration is case-insensitive); '{WinningKey}' wins with the higher revision {Revision}. Conflicting paths of this change: {PathCount}")]
    public static partial void PathConflict(ILogger logger, string bucket, string path, string winningKey, string otherKey, ulong revision, int pathCount);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Key '{Key}' (revision {Revision}) of NATS KV bucket '{Bucket}' is JSON that would expand past the limit {Limit} (NatsKvConfigurationSource.JsonExpansionLimits); it is kept as a plain string")]
    public static partial void JsonOverLimitKeptAsString(ILogger logger, string bucket, string key, ulong revision, string limit);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Watching NATS KV bucket '{Bucket}' at {Servers} failed ({FailureCount} in a row); retrying in {DelayMs} ms from revision {Revision}")]
    public static partial void WatchFailed(ILogger logger, Exception exception, string bucket, string servers, int failureCount, long delayMs, ulong revision);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "NATS KV bucket '{Bucket}' does not exist (was it deleted?); keeping the last {PathCount} configuration values and retrying")]
    public static partial void BucketMissing(ILogger logger, string bucket, int pathCount);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Connection to NATS for bucket '{Bucket}' is back; resuming the watch from revision {Revision}")]
    public static partial void WatchResuming(ILogger logger, string bucket, ulong revision);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Disconnected from NATS; serving the last configuration of bucket '{Bucket}' (revision {Revision}) until the connection is back")]
    public static partial void Disconnected(ILogger logger, string bucket, ulong revision);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "The watch of NATS KV bucket '{Bucket}' stopped delivering (it is at revision {Revision}, the bucket at {BucketRevision}); restarting it")]
    public static partial void WatchStalled(ILogger logger, string bucket, ulong revision, ulong bucketRevision);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "{KeyCount} keys of NATS KV bucket '{Bucket}' lost their last message (the stream now starts at revision {FirstRevision}: purged, or expired by the bucket's max age); removed from the configuration")]
    public static partial void KeysLostFromStream(ILogger logger, string bucket, int keyCount, ulong firstRevision);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "A configuration change listener threw while reloading bucket '{Bucket}' at revision {Revision}; the watch goes on")]
    public static partial void ReloadListenerFailed(ILogger logger, Exception exception, string bucket, ulong revision);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "A configuration change listener failed to bind options while reloading bucket '{Bucket}' at revision {Revision}: {Failures}; the watch goes on (use KeepLastValidOnReload to keep the last valid options)")]
    public static partial void ReloadListenerBindingFailed(ILogger logger, string bucket, ulong revision, string failures);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "The watch of NATS KV bucket '{Bucket}' did not stop within {TimeoutMs} ms of disposal")]
    public static partial void DisposeTimedOut(ILogger logger, string bucket, long timeoutMs);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "Applying changes of NATS KV bucket '{Bucket}' (up to revision {Revision}) failed; the last configuration stays and the full state is read again in {DelayMs} ms")]
    public static partial void ApplyFailed(ILogger logger, Exception exception, string bucket, ulong revision, long delayMs);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "The watch loop of NATS KV bucket '{Bucket}' ended unexpectedly")]
    public static partial void WatchLoopCrashed(ILogger logger, Exception exception, string bucket);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Rejected a reload of options {OptionsType} (name '{OptionsName}'): {Failures}; keeping the last valid value")]
    public static partial void OptionsReloadRejected(ILogger logger, string optionsType, string optionsName, string failures);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "Options {OptionsType} (name '{OptionsName}') failed validation on reload and have no earlier valid value to keep: {Failures}; reading them throws until a valid change arrives")]
    public static partial void OptionsInvalidWithoutLastValid(ILogger logger, string optionsType, string optionsName, string failures);

    // 5003-5006: the binder's message names the value, so these take only the path and target type read from it
    // (OptionsBindingFailure), and never the exception.
    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Rejected a reload of options {OptionsType} (name '{OptionsName}'): the value at '{ConfigurationPath}' cannot be converted to {TargetType}; keeping the last valid value")]
    public static partial void OptionsReloadBindingRejected(ILogger logger, string optionsType, string optionsName, string configurationPath, string targetType);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Error, Message = "Options {OptionsType} (name '{OptionsName}') could not be bound on reload: the value at '{ConfigurationPath}' cannot be converted to {TargetType}, and there is no earlier valid value to keep; reading them throws until a valid change arrives")]
    public static partial void OptionsBindingFailedWithoutLastValid(ILogger logger, string optionsType, string optionsName, string configurationPath, string targetType);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Rejected a reload of options {OptionsType} (name '{OptionsName}'): building them threw an InvalidOperationException from {ExceptionSource} that names no configuration path; keeping the last valid value")]
    public static partial void OptionsReloadBuildRejected(ILogger logger, string optionsType, string optionsName, string exceptionSource);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Error, Message = "Options {OptionsType} (name '{OptionsName}') could not be built on reload: an InvalidOperationException from {ExceptionSource} that names no configuration path, and there is no earlier valid value to keep; reading them throws until a valid change arrives")]
    public static partial void OptionsBuildFailedWithoutLastValid(ILogger logger, string optionsType, string optionsName, string exceptionSource);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Serving configuration of NATS KV bucket '{Bucket}' from the snapshot '{SnapshotPath}' (revision {Revision}, written {AgeSeconds} s ago): the bucket could not be reached within {TimeoutMs} ms; retrying, and catching up from revision {NextRevision} once it is reachable")]
    public static partial void ServingSnapshot(ILogger logger, Exception? exception, string bucket, string snapshotPath, ulong revision, long ageSeconds, long timeoutMs, ulong nextRevision);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Ignored the snapshot '{SnapshotPath}' of NATS KV bucket '{Bucket}': {Reason}")]
    public static partial void SnapshotIgnored(ILogger logger, string bucket, string snapshotPath, string reason);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "Could not write the snapshot '{SnapshotPath}' of NATS KV bucket '{Bucket}' at revision {Revision}; the previous snapshot stays")]
    public static partial void SnapshotWriteFailed(ILogger logger, Exception exception, string bucket, string snapshotPath, ulong revision);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Debug, Message = "Wrote the snapshot '{SnapshotPath}' of NATS KV bucket '{Bucket}' at revision {Revision} ({KeyCount} keys) in {ElapsedMs} ms")]
    public static partial void SnapshotWritten(ILogger logger, string bucket, string snapshotPath, ulong revision, int keyCount, long elapsedMs);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Information, Message = "Restored {KeyCount} keys of NATS KV bucket '{Bucket}' from the snapshot '{SnapshotPath}' (revision {Revision}, written {AgeSeconds} s ago) in {ElapsedMs} ms; reading the changes since, then the full state that replaces it")]
    public static partial void SnapshotRestored(ILogger logger, string bucket, string snapshotPath, int keyCount, ulong revision, long ageSeconds, long elapsedMs);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Information, Message = "The snapshot of NATS KV bucket '{Bucket}' (revision {SnapshotRevision}) does not continue the bucket (it was recreated or purged since); read its full state, at revision {Revision}")]
    public static partial void SnapshotSuperseded(ILogger logger, string bucket, ulong snapshotRevision, ulong revision);

    [LoggerMessage(EventId = 11001, Level = LogLevel.Debug, Message = "The full state of NATS KV bucket '{Bucket}' at revision {Revision} replaced the snapshot restored at start-up; readers see no difference")]
    public static partial void SnapshotConfirmed(ILogger logger, string bucket, ulong revision);

    [LoggerMessage(EventId = 11002, Level = LogLevel.Warning, Message = "The full state of NATS KV bucket '{Bucket}' at revision {Revision} replaced the snapshot restored at start-up, which differed from it at {PathCount} configuration paths (a stale or altered snapshot file); the bucket's values apply now")]
    public static partial void SnapshotCorrected(ILogger logger, string bucket, ulong revision, int pathCount);

    [LoggerMessage(EventId = 8001, Level = LogLevel.Information, Message = "Created NATS KV bucket '{Bucket}': history {History}, max age {MaxAge}, {Replicas} replica(s), max bytes {MaxBytes}, {Storage} storage")]
    public static partial void BucketEnsured(ILogger logger, string bucket, int history, TimeSpan maxAge, int replicas, long maxBytes, NatsKvBucketStorage storage);

    [LoggerMessage(EventId = 8007, Level = LogLevel.Warning, Message = "NATS KV bucket '{Bucket}' exists with other settings than asked for, and was left as it is: {Differences}. Change it on purpose with UpdateBucketAsync (or 'nats-kv-config bucket edit')")]
    public static partial void BucketSettingsDiffer(ILogger logger, string bucket, string differences);

    [LoggerMessage(EventId = 8008, Level = LogLevel.Information, Message = "Updated NATS KV bucket '{Bucket}': history {History}, max age {MaxAge}, {Replicas} replica(s), max bytes {MaxBytes}, {Storage} storage")]
    public static partial void BucketUpdated(ILogger logger, string bucket, int history, TimeSpan maxAge, int replicas, long maxBytes, NatsKvBucketStorage storage);

    [LoggerMessage(EventId = 8009, Level = LogLevel.Debug, Message = "NATS KV bucket '{Bucket}' exists with the settings asked for")]
    public static partial void BucketChecked(ILogger logger, string bucket);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Debug, Message = "Wrote section '{Section}' of NATS KV bucket '{Bucket}': {Added} added, {Updated} updated, {Removed} removed, up to revision {Revision} (sentinel revision {SentinelRevision})")]
    public static partial void PlanApplied(ILogger logger, string bucket, string section, int added, int updated, int removed, ulong revision, ulong sentinelRevision);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Debug, Message = "Compare-and-swap of key '{Key}' of NATS KV bucket '{Bucket}' failed: expected revision {ExpectedRevision}, the key is at {ActualRevision}")]
    public static partial void RevisionConflict(ILogger logger, string bucket, string key, ulong expectedRevision, ulong actualRevision);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Warning, Message = "The server could not create the store of NATS KV bucket '{Bucket}' (attempt {Attempt} of {Attempts}, \"error creating store for stream\"; the server's log names the cause); trying again in {DelayMs} ms")]
    public static partial void BucketStoreRetry(ILogger logger, string bucket, int attempt, int attempts, long delayMs);

    [LoggerMessage(EventId = 8005, Level = LogLevel.Warning, Message = "Configuration path '{Path}' is held by more than one key of NATS KV bucket '{Bucket}' (keys differing in case): used '{Key}', the one apps read; also held by '{OtherKeys}'")]
    public static partial void KeyCollision(ILogger logger, string bucket, string path, string key, string otherKeys);

    [LoggerMessage(EventId = 8006, Level = LogLevel.Debug, Message = "Key '{Requested}' of NATS KV bucket '{Bucket}' is stored as '{Key}' (configuration paths ignore case): used that")]
    public static partial void KeyResolvedIgnoringCase(ILogger logger, string bucket, string requested, string key);
}
