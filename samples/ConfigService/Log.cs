namespace ConfigService;

/// <summary>The service's log events (ids 20001–20099): types and keys, never values or tokens.</summary>
internal static partial class Log
{
    [LoggerMessage(20001, LogLevel.Warning, "NATS was not reachable for a request ({ExceptionType})")]
    public static partial void NatsUnavailable(ILogger logger, string exceptionType);

    [LoggerMessage(20002, LogLevel.Error, "A request failed unexpectedly ({ExceptionType})")]
    public static partial void UnexpectedFailure(ILogger logger, string exceptionType);

    [LoggerMessage(20003, LogLevel.Warning, "The change feed of bucket {Bucket} stopped ({ExceptionType}); starting it again in {Delay}")]
    public static partial void ChangeFeedFailed(ILogger logger, string bucket, string exceptionType, TimeSpan delay);

    [LoggerMessage(20004, LogLevel.Information, "Serving bucket {Bucket}; writes {WriteState}, reads {ReadState}; the service's own settings come from keys under '{SettingsPrefix}.'")]
    public static partial void Serving(ILogger logger, string bucket, string writeState, string readState, string settingsPrefix);

    [LoggerMessage(20005, LogLevel.Warning, "Refused a {Access} request for a {Reason} token: {Method} {Path} from {RemoteAddress}")]
    public static partial void TokenRefused(ILogger logger, string access, string reason, string method, string path, string remoteAddress);

    [LoggerMessage(20006, LogLevel.Warning, "NATS did not answer a request within {Timeout}; answered 503")]
    public static partial void NatsTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(20007, LogLevel.Warning, "Disconnected from NATS; requests that need it are answered 503 until the connection is back")]
    public static partial void NatsDisconnected(ILogger logger);

    [LoggerMessage(20008, LogLevel.Warning, "NATS has been unreachable for {Duration}; {Attempts} reconnect attempts failed so far")]
    public static partial void NatsStillDisconnected(ILogger logger, TimeSpan duration, int attempts);

    [LoggerMessage(20009, LogLevel.Information, "Connected to NATS again after {Duration} ({Attempts} failed reconnect attempts)")]
    public static partial void NatsReconnected(ILogger logger, TimeSpan duration, int attempts);

    [LoggerMessage(20010, LogLevel.Warning, "Refused an /events stream from {Client}: {Reason}")]
    public static partial void EventStreamRefused(ILogger logger, string client, string reason);

    [LoggerMessage(20011, LogLevel.Warning, "Refused a request whose target has dot segments, from {RemoteAddress}")]
    public static partial void DotSegmentsRefused(ILogger logger, string remoteAddress);

    [LoggerMessage(20012, LogLevel.Information, "Dropped an /events stream of {Client}: writing to it has been stalled for {Timeout}")]
    public static partial void EventStreamStalled(ILogger logger, string client, TimeSpan timeout);

    [LoggerMessage(20013, LogLevel.Debug, "The change feed of bucket {Bucket} failed again ({ExceptionType}, {Failures} in a row); starting it again in {Delay}")]
    public static partial void ChangeFeedRetrying(ILogger logger, string bucket, string exceptionType, int failures, TimeSpan delay);
}
