using Microsoft.Extensions.Logging;

namespace NatsKvConfig;

/// <summary>The log events of joining the host (13001–13099).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 13001, Level = LogLevel.Warning, Message = "{DroppedCount} log events of NATS KV bucket '{Bucket}' written before the host's logging was connected were dropped: only the first {Capacity} were kept, and are above")]
    public static partial void StartupLogEventsDropped(ILogger logger, string bucket, int droppedCount, int capacity);

    [LoggerMessage(EventId = 13002, Level = LogLevel.Debug, Message = "NATS KV bucket '{Bucket}' joined the host: logging connected: {LoggingConnected}, host's meter factory used: {MetersConnected}")]
    public static partial void JoinedHost(ILogger logger, string bucket, bool loggingConnected, bool metersConnected);
}
