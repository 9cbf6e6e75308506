using NATS.Client.JetStream;

namespace NatsKvConfig;

/// <summary>
/// Retries creating a bucket's stream when the server reports "error creating store for stream": nats-server
/// (seen on 2.9) sometimes fails to set up a new stream's files under load, writes the cause to its own log only,
/// and succeeds when asked again. Creating a stream with the same settings is idempotent, so asking again is safe.
/// </summary>
internal static class TransientStoreFailure
{
    /// <summary>How many times creation is tried in all.</summary>
    public const int Attempts = 4;

    private const string StoreFailedDescription = "error creating store for stream";

    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>Whether <paramref name="exception"/> is the server's generic, transient store failure.</summary>
    public static bool IsTransient(Exception exception) =>
        exception is NatsJSApiException { Error: { ErrCode: NatsKvWire.StreamCreateFailed } error }
        && error.Description is not null
        && error.Description.Contains(StoreFailedDescription, StringComparison.OrdinalIgnoreCase);

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1: 100 ms, doubling.</summary>
    public static TimeSpan DelayAfter(int attempt) => Backoff.Exponential(attempt, FirstDelay, TimeSpan.MaxValue); // uncapped: Attempts bounds it

    /// <summary>
    /// Runs <paramref name="create"/>, again after a short wait while it fails with the transient store failure, at most
    /// <see cref="Attempts"/> times; any other failure, and the last one, is thrown as is.
    /// </summary>
    /// <param name="create">Creates (or creates or updates) the stream.</param>
    /// <param name="retrying">Told the attempt that failed and the wait before the next, e.g. to log it.</param>
    /// <param name="cancellationToken">Cancels the attempts and the waits.</param>
    public static async Task<T> RetryAsync<T>(
        Func<CancellationToken, ValueTask<T>> create,
        Action<int, TimeSpan>? retrying,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await create(cancellationToken).ConfigureAwait(false);
            }
            catch (NatsJSApiException exception) when (attempt < Attempts && IsTransient(exception))
            {
                var delay = DelayAfter(attempt);
                retrying?.Invoke(attempt, delay);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
