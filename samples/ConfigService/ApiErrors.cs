using NATS.Client.Core;
using NatsKvConfig;

namespace ConfigService;

/// <summary>
/// Errors as JSON: <c>{"error": "..."}</c>, naming keys and revisions, never values or tokens.
/// </summary>
internal static class ApiErrors
{
    public static IResult Error(int status, string message, ulong? currentRevision = null) =>
        Results.Json(new ErrorBody(message, currentRevision), statusCode: status);

    /// <summary>What a failure of the client means for an HTTP caller.</summary>
    public static IResult From(Exception exception, ILogger logger) => exception switch
    {
        // A revision the bucket does not have yet (a rollback past its last): the request conflicts with the bucket's state.
        NatsKvConfigNotFoundException { Revision: not null } e => Error(StatusCodes.Status409Conflict, e.Message),
        NatsKvConfigNotFoundException { Key: not null } e => Error(StatusCodes.Status404NotFound, e.Message),
        NatsKvConfigNotFoundException e => Error(StatusCodes.Status503ServiceUnavailable, $"{e.Message} Create it with: nats-kv-config bucket add {e.Bucket}"),
        NatsKvHistoryLimitException e => Error(StatusCodes.Status409Conflict, e.Message),
        NatsKvRollbackWouldDeleteException e => Error(StatusCodes.Status409Conflict, $"{e.Message} Add ?allowDelete=true to delete it.", e.CurrentRevision),
        NatsKvRevisionConflictException e => Error(StatusCodes.Status412PreconditionFailed, e.Message, e.ActualRevision),
        ArgumentException e => Error(StatusCodes.Status400BadRequest, WithoutParameter(e)),
        NatsException or TimeoutException => Unavailable(exception, logger),
        _ => Unexpected(exception, logger),
    };

    /// <summary>503 for a request NATS did not answer within <paramref name="timeout"/>, with when to try again.</summary>
    public static IResult NatsDown(TimeSpan timeout) =>
        new RetryAfter(
            Error(StatusCodes.Status503ServiceUnavailable, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"NATS is not reachable right now (no answer within {timeout.TotalSeconds:0.#} s); try again")),
            (int)Math.Ceiling(timeout.TotalSeconds));

    private static IResult Unavailable(Exception exception, ILogger logger)
    {
        Log.NatsUnavailable(logger, exception.GetType().Name);
        return Error(StatusCodes.Status503ServiceUnavailable, "NATS is not reachable right now; try again");
    }

    private static IResult Unexpected(Exception exception, ILogger logger)
    {
        Log.UnexpectedFailure(logger, exception.GetType().Name);
        return Error(StatusCodes.Status500InternalServerError, "the request failed; see the service's log");
    }

    private static string WithoutParameter(ArgumentException exception)
    {
        var message = exception.Message;
        var suffix = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return suffix > 0 ? message[..suffix] : message;
    }

    private sealed class RetryAfter(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }

    private sealed record ErrorBody(
        string Error,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] ulong? CurrentRevision);
}
