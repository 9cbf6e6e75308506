using NATS.Client.Core;

namespace ConfigService;

/// <summary>
/// Runs the part of a request that needs NATS within <see cref="ConfigServiceSettings.NatsRequestTimeout"/>: while
/// NATS is down, a request is answered 503 saying so within that time, never left to hang until the client gives up.
/// </summary>
internal sealed class NatsCall(ConfigServiceSettings settings, INatsConnection connection)
{
    public TimeSpan Timeout => settings.NatsRequestTimeout;

    /// <summary>The result of <paramref name="action"/>, or the error a failure or the deadline means for the caller.</summary>
    public async Task<IResult> RunAsync(ILogger logger, Func<CancellationToken, Task<IResult>> action, CancellationToken requestAborted)
    {
        if (connection.ConnectionState == NatsConnectionState.Reconnecting)
        {
            // Known to be down: no need to wait for the deadline.
            return ApiErrors.NatsDown(Timeout);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        deadline.CancelAfter(Timeout);
        try
        {
            // WaitAsync too, so that an operation that does not watch its token cannot hold the request either.
            return await action(deadline.Token).WaitAsync(Timeout, requestAborted);
        }
        catch (Exception exception) when (!requestAborted.IsCancellationRequested && (exception is TimeoutException || deadline.IsCancellationRequested))
        {
            Log.NatsTimedOut(logger, Timeout);
            return ApiErrors.NatsDown(Timeout);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return ApiErrors.From(exception, logger);
        }
    }
}
