using Microsoft.Extensions.Logging;

namespace NatsKvConfig;

/// <summary>
/// The log events of buckets that are mirrors (edge sites), ids 12001–12099 (documented in docs/edge.md). They name
/// buckets, domains and API prefixes, never values.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 12001, Level = LogLevel.Information, Message = "NATS KV bucket '{Bucket}' is a mirror of bucket '{OriginBucket}' (API prefix '{OriginApiPrefix}'): writes go there")]
    public static partial void MirrorFound(ILogger logger, string bucket, string originBucket, string originApiPrefix);

    [LoggerMessage(EventId = 12002, Level = LogLevel.Warning, Message = "Key '{Key}' of NATS KV bucket '{Bucket}' was not written: its origin, bucket '{OriginBucket}' (API prefix '{OriginApiPrefix}'), did not answer")]
    public static partial void OriginUnavailable(ILogger logger, string bucket, string key, string originBucket, string originApiPrefix);

    [LoggerMessage(EventId = 12003, Level = LogLevel.Information, Message = "The origin of NATS KV bucket '{Bucket}', bucket '{OriginBucket}' (API prefix '{OriginApiPrefix}'), did not answer: reading the mirror here instead (history, and the revisions a write expects), which may lag behind")]
    public static partial void ReadingMirror(ILogger logger, string bucket, string originBucket, string originApiPrefix);
}
