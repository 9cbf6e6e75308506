using System.Net.Sockets;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace NatsKvConfig.Testing;

/// <summary>
/// Asks a server whether JetStream is usable. <see cref="TryAsync"/> connects and requests the account info;
/// in a cluster that only succeeds once a JetStream meta leader is elected. <see cref="TryPlaceStreamAsync"/>
/// goes further for clusters: the meta leader can be elected before it has heard from every peer, and until it
/// has, creating a stream with one replica per node fails with "no suitable peers for placement".
/// </summary>
internal static class JetStreamProbe
{
    private const string PlacementStreamPrefix = "NATSKVCONFIG_TESTING_READY_";

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    // A leaderless cluster does not answer JetStream API requests at all, so each unanswered attempt costs this
    // long; short keeps the time from "leader elected" to "ready" short. Loopback answers take a few ms.
    private static readonly TimeSpan InfoRequestTimeout = TimeSpan.FromMilliseconds(500);

    // Creating a replicated stream waits for its own leader election; a refusal comes back at once anyway.
    private static readonly TimeSpan PlacementRequestTimeout = TimeSpan.FromSeconds(5);

    /// <summary>What the server said about itself when it answered.</summary>
    internal sealed record Answer(string? ServerName, string? Version);

    /// <summary>
    /// One attempt; null when the server is not (yet) accepting clients or JetStream is not usable. With
    /// <paramref name="domain"/>, asks the JetStream of that domain through the server (a leaf node's hub, say).
    /// </summary>
    public static async Task<Answer?> TryAsync(NatsOpts opts, CancellationToken cancellationToken, string? domain = null)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(ConnectTimeout + InfoRequestTimeout);
        var connection = Connect(opts, InfoRequestTimeout);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await connection.ConnectAsync().AsTask().WaitAsync(attempt.Token).ConfigureAwait(false);
                var js = domain is null ? new NatsJSContext(connection) : new NatsJSContext(connection, new NatsJSOpts(connection.Opts, domain: domain));
                await js.GetAccountInfoAsync(attempt.Token).ConfigureAwait(false);
                return new Answer(connection.ServerInfo?.Name, connection.ServerInfo?.Version);
            }
            catch (Exception ex) when (IsNotReady(ex) && !cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// One attempt to create, then delete, a tiny in-memory stream with <paramref name="replicas"/> replicas.
    /// False when the cluster cannot place it yet.
    /// </summary>
    public static async Task<bool> TryPlaceStreamAsync(NatsOpts opts, int replicas, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(ConnectTimeout + (2 * PlacementRequestTimeout));
        var connection = Connect(opts, PlacementRequestTimeout);
        await using (connection.ConfigureAwait(false))
        {
            var js = new NatsJSContext(connection);
            var name = PlacementStreamPrefix + Guid.NewGuid().ToString("N");
            try
            {
                await connection.ConnectAsync().AsTask().WaitAsync(attempt.Token).ConfigureAwait(false);
                var config = new StreamConfig(name, [name])
                {
                    NumReplicas = replicas,
                    Storage = StreamConfigStorage.Memory,
                    MaxMsgs = 1,
                };
                await js.CreateStreamAsync(config, attempt.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsNotReady(ex) && !cancellationToken.IsCancellationRequested)
            {
                return false;
            }
            finally
            {
                // Also after a timeout: the create may have gone through without its answer reaching us.
                await TryDeleteStreamAsync(js, name, attempt.Token).ConfigureAwait(false);
            }

            return true;
        }
    }

    private static async Task TryDeleteStreamAsync(NatsJSContext js, string name, CancellationToken cancellationToken)
    {
        try
        {
            await js.DeleteStreamAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsNotReady(ex))
        {
            // Not found (never created), or the cluster is not answering: nothing more to do.
        }
    }

    /// <summary>A connection with the URL, credentials and TLS of <paramref name="opts"/>, and the probe's own timeouts.</summary>
    private static NatsConnection Connect(NatsOpts opts, TimeSpan requestTimeout) =>
        new(opts with
        {
            Name = "natskvconfig-testing-readiness",
            ConnectTimeout = ConnectTimeout,
            RequestTimeout = requestTimeout,
            MaxReconnectRetry = 0,
        });

    private static bool IsNotReady(Exception ex) =>
        ex is NatsException or OperationCanceledException or TimeoutException or SocketException or IOException;
}
