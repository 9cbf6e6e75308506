using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;

namespace NatsKvConfig.Testing;

/// <summary>
/// A JetStream cluster of local nats-server processes on loopback: each node has its own client port,
/// cluster port and temp store, is named n1, n2, … and routes to every other node. Nodes can be killed
/// and restarted one at a time to test failover.
/// </summary>
public sealed class NatsCluster : IAsyncDisposable
{
    private const int MaxPortAttempts = 3;
    private static readonly TimeSpan PlacementPollInterval = TimeSpan.FromMilliseconds(50);

    private readonly NatsServer[] _nodes;
    private readonly TimeSpan _startupTimeout;
    private int _disposed;

    private NatsCluster(string clusterName, NatsServer[] nodes, TimeSpan startupTimeout)
    {
        ClusterName = clusterName;
        _nodes = nodes;
        _startupTimeout = startupTimeout;
    }

    /// <summary>The nodes, in order n1, n2, …; index i is node <c>n{i+1}</c>.</summary>
    public IReadOnlyList<NatsServer> Nodes => _nodes;

    /// <summary>Every node's client URL, comma-separated, as NATS clients accept it: <c>nats://127.0.0.1:p1,nats://127.0.0.1:p2,…</c>.</summary>
    public string Url => string.Join(',', _nodes.Select(node => node.Url));

    /// <summary>The cluster's name, shared by all nodes.</summary>
    public string ClusterName { get; }

    /// <summary>
    /// Starts <paramref name="size"/> nodes and waits until the cluster is ready: JetStream answers through every
    /// node (a meta leader is elected) and a stream with one replica per node can be placed (the leader knows every peer).
    /// </summary>
    /// <param name="size">How many nodes, at least 2 (nats-server refuses a JetStream cluster without routes); 3 is the smallest that survives losing one.</param>
    /// <param name="options">How to start it; null uses the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A ready cluster; dispose it to stop every node and delete their temp directories.</returns>
    /// <exception cref="NatsServerNotFoundException">No nats-server binary is installed; clusters only run local processes.</exception>
    /// <exception cref="TimeoutException">The cluster was not ready within <see cref="NatsClusterOptions.StartupTimeout"/>.</exception>
    /// <exception cref="InvalidOperationException">A node exited during start; the message holds its output.</exception>
    public static async Task<NatsCluster> StartAsync(int size = 3, NatsClusterOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 2);
        options ??= new NatsClusterOptions();
        options.Validate(nameof(options));
        var logger = options.Logger ?? NullLogger.Instance;
        var binaryPath = ServerBinaryLocator.Find(options.ServerBinaryPath)
            ?? throw new NatsServerNotFoundException(
                "A NatsCluster needs a nats-server binary (clusters always run local processes; NATS_URL and Docker are not used), " +
                "and none was found on PATH, in /usr/sbin or in /usr/local/bin.");
        var clusterName = options.ClusterName ?? "nats-test-" + Guid.NewGuid().ToString("N")[..8];

        for (var attempt = 1; ; attempt++)
        {
            var nodes = CreateNodes(size, binaryPath, clusterName, logger, options.StartupTimeout);
            bool allStarted;
            try
            {
                allStarted = await StartAllAsync(nodes, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await DisposeAllAsync(nodes).ConfigureAwait(false);
                throw;
            }

            if (allStarted)
            {
                var cluster = new NatsCluster(clusterName, nodes, options.StartupTimeout);
                try
                {
                    await cluster.WaitUntilPlaceableAsync(cancellationToken).ConfigureAwait(false);
                    return cluster;
                }
                catch
                {
                    await cluster.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }

            // Another process took one of the free ports first; the route lists name every port, so start over with new ones.
            await DisposeAllAsync(nodes).ConfigureAwait(false);
            if (attempt == MaxPortAttempts)
            {
                throw new InvalidOperationException($"A node of cluster {clusterName} could not bind its ports, and {MaxPortAttempts} sets of ports were tried.");
            }
        }
    }

    /// <summary>
    /// Waits until JetStream answers through every running node (a killed or stopped node is skipped), e.g. after
    /// a kill, until the remaining nodes have a meta leader again. When every node runs, also waits until a stream
    /// with one replica per node can be placed.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the cluster is ready.</returns>
    /// <exception cref="TimeoutException">It was not ready within <see cref="NatsClusterOptions.StartupTimeout"/>.</exception>
    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await Task.WhenAll(_nodes.Where(node => node.IsRunning).Select(node => node.WaitUntilReadyAsync(cancellationToken)))
            .ConfigureAwait(false);
        if (_nodes.All(node => node.IsRunning))
        {
            await WaitUntilPlaceableAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Kills node <paramref name="index"/> with SIGKILL, as a crash would, and waits for it to exit.</summary>
    /// <param name="index">The node's index in <see cref="Nodes"/>.</param>
    /// <param name="cancellationToken">Cancels the wait for the exit.</param>
    /// <returns>A task that completes when the node's process has exited.</returns>
    public Task KillNodeAsync(int index, CancellationToken cancellationToken = default) =>
        NodeAt(index).KillAsync(cancellationToken);

    /// <summary>Stops node <paramref name="index"/> gracefully (SIGTERM) and waits for it to exit.</summary>
    /// <param name="index">The node's index in <see cref="Nodes"/>.</param>
    /// <param name="cancellationToken">Cancels the wait for the exit.</param>
    /// <returns>A task that completes when the node's process has exited.</returns>
    public Task StopNodeAsync(int index, CancellationToken cancellationToken = default) =>
        NodeAt(index).StopAsync(cancellationToken);

    /// <summary>
    /// Starts node <paramref name="index"/> again on the same ports and store, and waits until JetStream answers
    /// through it (and, when every node runs again, until a stream with one replica per node can be placed).
    /// A running node is stopped gracefully first.
    /// </summary>
    /// <param name="index">The node's index in <see cref="Nodes"/>.</param>
    /// <param name="cancellationToken">Cancels the restart.</param>
    /// <returns>A task that completes when the node is ready again.</returns>
    public async Task RestartNodeAsync(int index, CancellationToken cancellationToken = default)
    {
        await NodeAt(index).RestartAsync(cancellationToken).ConfigureAwait(false);
        if (_nodes.All(node => node.IsRunning))
        {
            await WaitUntilPlaceableAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Finds a node by its server name (as in <c>NatsConnection.ServerInfo.Name</c> or a stream's cluster leader),
    /// its URL, or its <c>host:port</c>.
    /// </summary>
    /// <param name="serverNameOrUrl">A server name such as <c>n2</c>, or <c>nats://127.0.0.1:4222</c>, or <c>127.0.0.1:4222</c>.</param>
    /// <returns>The node's index in <see cref="Nodes"/>, or -1 when no node matches.</returns>
    public int IndexOfNode(string serverNameOrUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serverNameOrUrl);
        var endpoint = serverNameOrUrl.Trim().TrimEnd('/');
        var schemeEnd = endpoint.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            endpoint = endpoint[(schemeEnd + 3)..];
        }

        for (var i = 0; i < _nodes.Length; i++)
        {
            var node = _nodes[i];
            if (string.Equals(node.ServerName, serverNameOrUrl.Trim(), StringComparison.Ordinal) ||
                string.Equals(endpoint, $"127.0.0.1:{node.Port}", StringComparison.OrdinalIgnoreCase) ||
                string.Equals(endpoint, $"localhost:{node.Port}", StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Kills every node and deletes their temp directories. Safe to call more than once.</summary>
    /// <returns>A task that completes when every node is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await DisposeAllAsync(_nodes).ConfigureAwait(false);
    }

    /// <summary>Polls until a stream with one replica per node can be created (and is deleted again).</summary>
    private async Task WaitUntilPlaceableAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_startupTimeout);
        try
        {
            while (!await JetStreamProbe.TryPlaceStreamAsync(NatsOpts.Default with { Url = Url }, _nodes.Length, deadline.Token).ConfigureAwait(false))
            {
                await Task.Delay(PlacementPollInterval, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"Cluster {ClusterName} elected a JetStream meta leader, but could not place a stream with {_nodes.Length} replicas " +
                $"within {_startupTimeout.TotalSeconds:0.#} s (the leader has not heard from every node).");
        }
    }

    private static NatsServer[] CreateNodes(int size, string binaryPath, string clusterName, ILogger logger, TimeSpan startupTimeout)
    {
        var ports = FreePorts.Take(size * 2);
        var clientPorts = ports.Take(size).ToArray();
        var clusterPorts = ports.Skip(size).ToArray();
        var nodes = new NatsServer[size];
        for (var i = 0; i < size; i++)
        {
            var serverName = $"n{i + 1}";
            var directory = Directory.CreateTempSubdirectory($"natskvconfig-{clusterName}-{serverName}-").FullName;
            var configPath = ClusterNodeConfig.Write(
                directory,
                serverName,
                clusterName,
                clientPorts[i],
                clusterPorts[i],
                clusterPorts.Where((_, other) => other != i));
            nodes[i] = NatsServer.ForClusterNode(binaryPath, configPath, serverName, clientPorts[i], clusterPorts[i], directory, logger, startupTimeout);
        }

        return nodes;
    }

    /// <summary>
    /// Starts every node at once (a lone node cannot elect a meta leader) and waits for all. False when a node lost
    /// its port to another process; the first other failure cancels the rest and is thrown.
    /// </summary>
    private static async Task<bool> StartAllAsync(NatsServer[] nodes, CancellationToken cancellationToken)
    {
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var starts = nodes.Select(async node =>
        {
            try
            {
                var started = await node.TryStartProcessAsync(abort.Token).ConfigureAwait(false);
                if (!started)
                {
                    await abort.CancelAsync().ConfigureAwait(false);
                }

                return started;
            }
            catch
            {
                await abort.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }).ToArray();

        try
        {
            await Task.WhenAll(starts).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Another node failed and cancelled this one; that node's outcome is examined below.
        }

        var failure = starts
            .Where(start => start.IsFaulted)
            .SelectMany(start => start.Exception!.InnerExceptions)
            .FirstOrDefault(exception => exception is not OperationCanceledException);
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return starts.All(start => start.IsCompletedSuccessfully && start.Result);
    }

    private static async Task DisposeAllAsync(IEnumerable<NatsServer> nodes) =>
        await Task.WhenAll(nodes.Select(node => node.DisposeAsync().AsTask())).ConfigureAwait(false);

    private NatsServer NodeAt(int index)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _nodes.Length);
        return _nodes[index];
    }
}
