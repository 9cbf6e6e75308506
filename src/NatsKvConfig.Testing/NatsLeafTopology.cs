using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace NatsKvConfig.Testing;

/// <summary>
/// A hub and leaf nodes on loopback, each a local nats-server process with its own JetStream domain and temp
/// store: the edge-site topology, where each site's leaf node keeps a mirror of the hub's bucket. The hub's domain
/// is <see cref="HubDomain"/> (<c>hub</c>); leaf node <c>i</c> is named and has domain <see cref="LeafDomains"/>[i]
/// (<c>edge1</c>, <c>edge2</c>, …) and dials the hub as a leaf node. Every server can be killed and restarted.
/// </summary>
/// <remarks>
/// A client of a leaf node reaches the hub's JetStream with the API prefix <see cref="HubApiPrefix"/>
/// (<c>$JS.hub.API</c>); that is also what a mirror on a leaf node gives as its source's external API.
/// </remarks>
public sealed class NatsLeafTopology : IAsyncDisposable
{
    private const int MaxPortAttempts = 3;
    private static readonly TimeSpan ConnectedPollInterval = TimeSpan.FromMilliseconds(50);

    private readonly NatsServer _hub;
    private readonly NatsServer[] _leaves;
    private readonly string[] _leafDomains;
    private readonly TimeSpan _startupTimeout;
    private int _disposed;

    private NatsLeafTopology(NatsServer hub, NatsServer[] leaves, string hubDomain, string[] leafDomains, TimeSpan startupTimeout)
    {
        _hub = hub;
        _leaves = leaves;
        HubDomain = hubDomain;
        _leafDomains = leafDomains;
        _startupTimeout = startupTimeout;
    }

    /// <summary>The hub: the origin of the buckets the leaf nodes mirror.</summary>
    public NatsServer Hub => _hub;

    /// <summary>The leaf nodes, in order; index i has JetStream domain <see cref="LeafDomains"/>[i].</summary>
    public IReadOnlyList<NatsServer> Leaves => _leaves;

    /// <summary>The hub's JetStream domain.</summary>
    public string HubDomain { get; }

    /// <summary>The leaf nodes' JetStream domains, in the order of <see cref="Leaves"/>.</summary>
    public IReadOnlyList<string> LeafDomains => _leafDomains;

    /// <summary>
    /// The API prefix through which a leaf node's clients reach the hub's JetStream, <c>$JS.&lt;hub domain&gt;.API</c>:
    /// the external API of a mirror on a leaf node whose source is on the hub.
    /// </summary>
    public string HubApiPrefix => "$JS." + HubDomain + ".API";

    /// <summary>
    /// Starts the hub, then <paramref name="leaves"/> leaf nodes, and waits until every leaf node reaches the hub's
    /// JetStream.
    /// </summary>
    /// <param name="leaves">How many leaf nodes (edge sites), at least 1.</param>
    /// <param name="options">How to start them; null uses the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A ready topology; dispose it to stop every server and delete their temp directories.</returns>
    /// <exception cref="NatsServerNotFoundException">No nats-server binary is installed; leaf-node topologies only run local processes.</exception>
    /// <exception cref="TimeoutException">A server, or a leaf node's connection to the hub, was not ready within <see cref="NatsLeafTopologyOptions.StartupTimeout"/>.</exception>
    /// <exception cref="InvalidOperationException">A server exited during start; the message holds its output.</exception>
    public static async Task<NatsLeafTopology> StartAsync(int leaves = 1, NatsLeafTopologyOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(leaves, 1);
        options ??= new NatsLeafTopologyOptions();
        options.Validate(nameof(options));
        var logger = options.Logger ?? NullLogger.Instance;
        var binaryPath = ServerBinaryLocator.Find(options.ServerBinaryPath)
            ?? throw new NatsServerNotFoundException(
                "A NatsLeafTopology needs a nats-server binary (it always runs local processes; NATS_URL and Docker are not used), " +
                "and none was found on PATH, in /usr/sbin or in /usr/local/bin.");
        var leafDomains = Enumerable.Range(1, leaves).Select(i => options.LeafDomainPrefix + i.ToString(CultureInfo.InvariantCulture)).ToArray();

        var (hub, hubLeafPort) = await StartHubAsync(binaryPath, options, logger, cancellationToken).ConfigureAwait(false);
        var started = new List<NatsServer> { hub };
        try
        {
            var leafNodes = await Task.WhenAll(leafDomains.Select(domain =>
                StartLeafAsync(binaryPath, domain, hubLeafPort, options, logger, cancellationToken))).ConfigureAwait(false);
            started.AddRange(leafNodes);
            var topology = new NatsLeafTopology(hub, leafNodes, options.HubDomain, leafDomains, options.StartupTimeout);
            await topology.WaitUntilConnectedAsync(cancellationToken).ConfigureAwait(false);
            return topology;
        }
        catch
        {
            await Task.WhenAll(started.Select(server => server.DisposeAsync().AsTask())).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Waits until every running leaf node reaches the hub's JetStream (when the hub runs): after a start, or a
    /// restart of the hub or of a leaf node, once the leaf node has dialled the hub again.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when every running leaf node is connected.</returns>
    /// <exception cref="TimeoutException">A leaf node did not reach the hub within <see cref="NatsLeafTopologyOptions.StartupTimeout"/>.</exception>
    public async Task WaitUntilConnectedAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_hub.IsRunning)
        {
            return;
        }

        await Task.WhenAll(_leaves.Where(leaf => leaf.IsRunning).Select(leaf => WaitUntilLeafConnectedAsync(leaf, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>Kills the hub with SIGKILL, as a crash (or the site losing its link) would, and waits for it to exit.</summary>
    /// <param name="cancellationToken">Cancels the wait for the exit.</param>
    /// <returns>A task that completes when the hub's process has exited.</returns>
    public Task KillHubAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _hub.KillAsync(cancellationToken);
    }

    /// <summary>
    /// Starts the hub again on the same ports and store (a running hub is stopped gracefully first), and waits until
    /// it is ready and every running leaf node has reached it again.
    /// </summary>
    /// <param name="cancellationToken">Cancels the restart.</param>
    /// <returns>A task that completes when the hub is ready and the leaf nodes are connected.</returns>
    public async Task RestartHubAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _hub.RestartAsync(cancellationToken).ConfigureAwait(false);
        await WaitUntilConnectedAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Kills leaf node <paramref name="index"/> with SIGKILL and waits for it to exit.</summary>
    /// <param name="index">The leaf node's index in <see cref="Leaves"/>.</param>
    /// <param name="cancellationToken">Cancels the wait for the exit.</param>
    /// <returns>A task that completes when the leaf node's process has exited.</returns>
    public Task KillLeafAsync(int index, CancellationToken cancellationToken = default) =>
        LeafAt(index).KillAsync(cancellationToken);

    /// <summary>
    /// Starts leaf node <paramref name="index"/> again on the same port and store (stopping it gracefully first if
    /// it runs), and waits until it is ready and, when the hub runs, has reached the hub again.
    /// </summary>
    /// <param name="index">The leaf node's index in <see cref="Leaves"/>.</param>
    /// <param name="cancellationToken">Cancels the restart.</param>
    /// <returns>A task that completes when the leaf node is ready and connected.</returns>
    public async Task RestartLeafAsync(int index, CancellationToken cancellationToken = default)
    {
        var leaf = LeafAt(index);
        await leaf.RestartAsync(cancellationToken).ConfigureAwait(false);
        if (_hub.IsRunning)
        {
            await WaitUntilLeafConnectedAsync(leaf, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Kills every server and deletes their temp directories. Safe to call more than once.</summary>
    /// <returns>A task that completes when every server is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Task.WhenAll(_leaves.Append(_hub).Select(server => server.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"hub {HubDomain} at {_hub.Url}; " + string.Join("; ", _leaves.Select((leaf, i) => $"leaf {_leafDomains[i]} at {leaf.Url}"));

    private static async Task<(NatsServer Hub, int LeafPort)> StartHubAsync(string binaryPath, NatsLeafTopologyOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ports = FreePorts.Take(2);
            var (clientPort, leafPort) = (ports[0], ports[1]);
            var directory = Directory.CreateTempSubdirectory("natskvconfig-hub-").FullName;
            var configPath = LeafNodeConfig.WriteHub(directory, options.HubDomain, options.HubDomain, clientPort, leafPort);
            var hub = NatsServer.ForConfiguredNode(binaryPath, configPath, options.HubDomain, clientPort, [clientPort, leafPort], directory, logger, options.StartupTimeout);
            if (await TryStartAsync(hub, cancellationToken).ConfigureAwait(false))
            {
                return (hub, leafPort);
            }

            await hub.DisposeAsync().ConfigureAwait(false);
            if (attempt == MaxPortAttempts)
            {
                throw new InvalidOperationException($"The hub could not bind its ports, and {MaxPortAttempts} pairs of ports were tried.");
            }
        }
    }

    private static async Task<NatsServer> StartLeafAsync(string binaryPath, string domain, int hubLeafPort, NatsLeafTopologyOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var clientPort = FreePorts.Take();
            var directory = Directory.CreateTempSubdirectory($"natskvconfig-{domain}-").FullName;
            var configPath = LeafNodeConfig.WriteLeaf(directory, domain, domain, clientPort, hubLeafPort);
            var leaf = NatsServer.ForConfiguredNode(binaryPath, configPath, domain, clientPort, [clientPort], directory, logger, options.StartupTimeout);
            if (await TryStartAsync(leaf, cancellationToken).ConfigureAwait(false))
            {
                return leaf;
            }

            await leaf.DisposeAsync().ConfigureAwait(false);
            if (attempt == MaxPortAttempts)
            {
                throw new InvalidOperationException($"Leaf node {domain} could not bind a client port, and {MaxPortAttempts} ports were tried.");
            }
        }
    }

    private static async Task<bool> TryStartAsync(NatsServer server, CancellationToken cancellationToken)
    {
        try
        {
            return await server.TryStartProcessAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Polls, through the leaf node, the hub's JetStream until it answers.</summary>
    private async Task WaitUntilLeafConnectedAsync(NatsServer leaf, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_startupTimeout);
        try
        {
            while (await JetStreamProbe.TryAsync(leaf.ClientOpts, deadline.Token, HubDomain).ConfigureAwait(false) is null)
            {
                await Task.Delay(ConnectedPollInterval, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"Leaf node {leaf.ServerName} did not reach the JetStream of hub domain {HubDomain} within {_startupTimeout.TotalSeconds:0.#} s." +
                $"{Environment.NewLine}Last lines it wrote:{Environment.NewLine}{string.Join(Environment.NewLine, leaf.RecentOutput.TakeLast(20))}");
        }
    }

    private NatsServer LeafAt(int index)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _leaves.Length);
        return _leaves[index];
    }
}
