using System.Net.Sockets;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace NatsKvConfig.Testing;

/// <summary>
/// Asks a server whether JetStream answers: connect, then request the account info. In a cluster that
/// request only succeeds once a JetStream meta leader is elected, so one check covers both cases.
/// </summary>
internal static class JetStreamProbe
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    // A leaderless cluster does not answer JetStream API requests at all, so each unanswered attempt costs this
    // long; short keeps the time from "leader elected" to "ready" short. Loopback answers take a few ms.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>What the server said about itself when it answered.</summary>
    internal sealed record Answer(string? ServerName, string? Version);

    /// <summary>One attempt; null when the server is not (yet) accepting clients or JetStream is not usable.</summary>
    public static async Task<Answer?> TryAsync(string url, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(ConnectTimeout + RequestTimeout);
        var opts = new NatsOpts
        {
            Url = url,
            Name = "natskvconfig-testing-readiness",
            ConnectTimeout = ConnectTimeout,
            RequestTimeout = RequestTimeout,
            MaxReconnectRetry = 0,
        };
        var connection = new NatsConnection(opts);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await connection.ConnectAsync().AsTask().WaitAsync(attempt.Token).ConfigureAwait(false);
                var js = new NatsJSContext(connection);
                await js.GetAccountInfoAsync(attempt.Token).ConfigureAwait(false);
                return new Answer(connection.ServerInfo?.Name, connection.ServerInfo?.Version);
            }
            catch (Exception ex) when (IsNotReady(ex) && !cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
    }

    private static bool IsNotReady(Exception ex) =>
        ex is NatsException or OperationCanceledException or TimeoutException or SocketException or IOException;
}
