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

    [LoggerMessage(20004, LogLevel.Information, "Serving bucket {Bucket}; writes {WriteState}, reads {ReadState}")]
    public static partial void Serving(ILogger logger, string bucket, string writeState, string readState);
}
