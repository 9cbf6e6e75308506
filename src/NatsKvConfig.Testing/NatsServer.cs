using System.Diagnostics;
using System.Globalization;
using DotNet.Testcontainers.Containers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;

namespace NatsKvConfig.Testing;

/// <summary>
/// One JetStream-enabled NATS server for a test: the server named by <c>NATS_URL</c>, else a
/// <c>nats-server</c> child process on a free loopback port with its own temp store, else a Docker container.
/// </summary>
/// <remarks>
/// Lifecycle calls (<see cref="KillAsync"/>, <see cref="StopAsync"/>, <see cref="RestartAsync"/>,
/// <see cref="DisposeAsync"/>) are meant to be made one at a time by the test that owns the server.
/// </remarks>
public sealed class NatsServer : IAsyncDisposable
{
    private const string ExternalUrlVariable = "NATS_URL";
    private const int MaxPortAttempts = 5;
    private const string PortInUseText = "address already in use";
    private const string ConfigurationFileName = "nats-server.conf";
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReadinessPollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan PortPollInterval = TimeSpan.FromMilliseconds(25);

    private readonly string? _binaryPath;
    private readonly IReadOnlyList<string> _arguments;
    private readonly IReadOnlyList<int> _listenPorts;
    private readonly IContainer? _container;
    private readonly bool _ownsStoreDirectory;
    private readonly ServerLog _log = new();
    private readonly ILogger _logger;
    private readonly TimeSpan _startupTimeout;
    private readonly NatsOpts _clientOpts;
    private readonly string? _configurationDirectory;
    private NatsServerProcess? _process;
    private int _disposed;

    private NatsServer(
        NatsServerKind kind,
        string url,
        int port,
        ILogger logger,
        TimeSpan startupTimeout,
        string? serverName = null,
        string? storeDirectory = null,
        bool ownsStoreDirectory = false,
        string? binaryPath = null,
        IReadOnlyList<string>? arguments = null,
        IReadOnlyList<int>? listenPorts = null,
        IContainer? container = null,
        NatsOpts? clientOpts = null,
        string? configurationDirectory = null)
    {
        Kind = kind;
        Url = url;
        Port = port;
        ServerName = serverName;
        StoreDirectory = storeDirectory;
        _ownsStoreDirectory = ownsStoreDirectory;
        _binaryPath = binaryPath;
        _arguments = arguments ?? [];
        _listenPorts = listenPorts ?? [];
        _container = container;
        _logger = logger;
        _startupTimeout = startupTimeout;
        _clientOpts = clientOpts ?? NatsOpts.Default with { Url = url };
        _configurationDirectory = configurationDirectory;
    }

    private enum StartOutcome
    {
        Ready,
        PortInUse,
    }

    /// <summary>Where this server comes from.</summary>
    public NatsServerKind Kind { get; }

    /// <summary>True when the harness started the process and so can kill, stop and restart it.</summary>
    public bool CanControlProcess => Kind == NatsServerKind.Process;

    /// <summary>The URL clients connect to, e.g. <c>nats://127.0.0.1:43117</c>; for <c>NATS_URL</c> its value as given.</summary>
    public string Url { get; }

    /// <summary>The client port; it stays the same across <see cref="RestartAsync"/>.</summary>
    public int Port { get; }

    /// <summary>The JetStream store directory of a local process; null for external servers and containers.</summary>
    public string? StoreDirectory { get; }

    /// <summary>The pid of the most recently started nats-server process; null for external servers and containers.</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>
    /// True while the process (or container) runs. An external server is assumed to run: nothing here can tell otherwise.
    /// </summary>
    public bool IsRunning => Kind switch
    {
        NatsServerKind.Process => _process is { HasExited: false },
        NatsServerKind.Container => _container?.State == TestcontainersStates.Running,
        _ => Volatile.Read(ref _disposed) == 0,
    };

    /// <summary>
    /// NATS.Net options that reach this server the way the harness does: its <see cref="Url"/>, the credentials it
    /// was started with (<see cref="NatsServerOptions.Username"/> and <see cref="NatsServerOptions.Password"/>,
    /// <see cref="NatsServerOptions.Token"/> or <see cref="NatsServerOptions.ClientAuth"/>) and, with
    /// <see cref="NatsServerOptions.Tls"/>, its CA and client certificate. Add a name with <c>with</c>, or replace
    /// <see cref="NatsOpts.AuthOpts"/> to connect as another user.
    /// </summary>
    public NatsOpts ClientOpts => _clientOpts;

    /// <summary>The server's name as clients see it in <c>INFO</c> (<c>NatsConnection.ServerInfo.Name</c>).</summary>
    public string? ServerName { get; private set; }

    /// <summary>The server's version as it reported it when it last became ready; null before that.</summary>
    public string? Version { get; private set; }

    /// <summary>The last lines (up to 200) the server process wrote, oldest first; empty for external servers and containers.</summary>
    public IReadOnlyList<string> RecentOutput => _log.Snapshot();

    /// <summary>
    /// Gets a JetStream-enabled server and waits until JetStream answers: the server named by <c>NATS_URL</c>
    /// (unless <see cref="NatsServerOptions.ForceLocalProcess"/>), else a local nats-server process, else a
    /// <c>nats:2.10-alpine</c> container when a Docker engine answers.
    /// </summary>
    /// <param name="options">How to start it; null uses the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A ready server; dispose it to stop it and delete its temp store.</returns>
    /// <exception cref="NatsServerNotFoundException">No server could be had; the message says how to install one.</exception>
    /// <exception cref="TimeoutException">The server did not become ready within <see cref="NatsServerOptions.StartupTimeout"/>.</exception>
    /// <exception cref="InvalidOperationException">The server process exited during start; the message holds its output.</exception>
    public static async Task<NatsServer> StartAsync(NatsServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new NatsServerOptions();
        options.Validate(nameof(options));
        var logger = options.Logger ?? NullLogger.Instance;

        var externalUrl = Environment.GetEnvironmentVariable(ExternalUrlVariable);
        if (!options.NeedsLocalProcess && !string.IsNullOrWhiteSpace(externalUrl))
        {
            externalUrl = externalUrl.Trim();
            HarnessLog.UsingExternalServer(logger, externalUrl);
            var external = new NatsServer(NatsServerKind.External, externalUrl, PortOf(externalUrl), logger, options.StartupTimeout);
            await external.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            return external;
        }

        var binaryPath = ServerBinaryLocator.Find(options.ServerBinaryPath);
        if (binaryPath is not null)
        {
            return await StartProcessAsync(binaryPath, options, logger, cancellationToken).ConfigureAwait(false);
        }

        if (!options.NeedsLocalProcess)
        {
            var container = await NatsContainerLauncher.TryStartAsync(logger, cancellationToken).ConfigureAwait(false);
            if (container is not null)
            {
                var url = NatsContainerLauncher.UrlOf(container);
                HarnessLog.ContainerStarted(logger, url);
                var server = new NatsServer(NatsServerKind.Container, url, PortOf(url), logger, options.StartupTimeout, container: container);
                try
                {
                    await server.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
                    return server;
                }
                catch
                {
                    await server.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }
        }

        throw new NatsServerNotFoundException(options.NeedsLocalProcess
            ? "No nats-server binary was found on PATH, in /usr/sbin or in /usr/local/bin (ForceLocalProcess, or a security setting, rules out NATS_URL and Docker)."
            : "No nats-server binary was found on PATH, in /usr/sbin or in /usr/local/bin, NATS_URL is not set, and no Docker engine answered.");
    }

    /// <summary>
    /// Waits, polling every 50 ms for up to the startup timeout, until the server accepts clients and
    /// JetStream answers an account-info request (in a cluster: a meta leader is elected).
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the server is ready.</returns>
    /// <exception cref="TimeoutException">It was not ready in time; the message holds the server's last output.</exception>
    /// <exception cref="InvalidOperationException">The server process is not running or exited while waiting.</exception>
    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Kind == NatsServerKind.Process && !IsRunning)
        {
            throw new InvalidOperationException(Describe($"nats-server {ServerName} is not running; call RestartAsync to start it again."));
        }

        var outcome = await WaitForReadyAsync(_log.Mark(), cancellationToken).ConfigureAwait(false);
        if (outcome == StartOutcome.PortInUse)
        {
            throw new InvalidOperationException(Describe($"nats-server {ServerName} exited: port {Port} is in use."));
        }
    }

    /// <summary>
    /// Kills the server process with SIGKILL, as a crash would, and waits (up to 10 s) for it to exit.
    /// The store directory and port are kept for <see cref="RestartAsync"/>. Does nothing when it is not running.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for the exit.</param>
    /// <returns>A task that completes when the process has exited.</returns>
    /// <exception cref="InvalidOperationException">The server is external or a container (see <see cref="CanControlProcess"/>).</exception>
    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        EnsureControllable();
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        await process.KillAsync(ExitTimeout, cancellationToken).ConfigureAwait(false);
        HarnessLog.ProcessKilled(_logger, ServerName ?? string.Empty, process.Id);
    }

    /// <summary>
    /// Stops the server gracefully (SIGTERM; a kill on Windows or when it does not exit within 10 s) and waits for it to exit.
    /// Does nothing when it is not running.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for the exit.</param>
    /// <returns>A task that completes when the process has exited.</returns>
    /// <exception cref="InvalidOperationException">The server is external or a container (see <see cref="CanControlProcess"/>).</exception>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        EnsureControllable();
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        await process.TerminateAsync(ExitTimeout, cancellationToken).ConfigureAwait(false);
        HarnessLog.ProcessStopped(_logger, ServerName ?? string.Empty, process.Id);
    }

    /// <summary>
    /// Starts the server again on the same port(s) with the same store directory, so JetStream data written
    /// before survives, and waits until it is ready. A running server is stopped gracefully first.
    /// </summary>
    /// <param name="cancellationToken">Cancels the restart.</param>
    /// <returns>A task that completes when the server is ready again.</returns>
    /// <exception cref="InvalidOperationException">The server is external or a container, or the process exited during start.</exception>
    /// <exception cref="TimeoutException">The port did not come free, or the server did not become ready, in time.</exception>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        EnsureControllable();
        if (IsRunning)
        {
            await StopAsync(cancellationToken).ConfigureAwait(false);
        }

        for (var attempt = 1; ; attempt++)
        {
            await WaitForPortsFreeAsync(cancellationToken).ConfigureAwait(false);
            var outcome = await StartProcessAndWaitAsync(cancellationToken).ConfigureAwait(false);
            if (outcome == StartOutcome.Ready)
            {
                return;
            }

            // Something grabbed the port between our check and the server's bind; wait for it again, briefly.
            HarnessLog.PortTaken(_logger, Port, ServerName ?? string.Empty);
            if (attempt == MaxPortAttempts)
            {
                throw new InvalidOperationException(Describe($"nats-server {ServerName} could not bind its port(s) {string.Join(", ", _listenPorts)} again."));
            }
        }
    }

    /// <summary>
    /// Kills the process (if the harness started it and it runs) or disposes the container, waits for it,
    /// and deletes a temp store directory the harness created. Safe to call more than once.
    /// </summary>
    /// <returns>A task that completes when the server is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_process is { } process)
        {
            try
            {
                await process.KillAsync(ExitTimeout, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Nothing more can be done; the store is deleted anyway.
            }

            process.Dispose();
        }

        if (_container is not null)
        {
            await _container.DisposeAsync().ConfigureAwait(false);
        }

        if (_ownsStoreDirectory && StoreDirectory is not null)
        {
            TryDeleteDirectory(StoreDirectory);
        }

        if (_configurationDirectory is not null)
        {
            TryDeleteDirectory(_configurationDirectory);
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        ServerName is null ? $"{Kind} NATS server at {Url}" : $"{Kind} NATS server {ServerName} at {Url}";

    /// <summary>Describes one node of a <see cref="NatsCluster"/>, configured by a file; not started yet.</summary>
    internal static NatsServer ForClusterNode(
        string binaryPath,
        string configPath,
        string serverName,
        int clientPort,
        int clusterPort,
        string nodeDirectory,
        ILogger logger,
        TimeSpan startupTimeout) =>
        ForConfiguredNode(binaryPath, configPath, serverName, clientPort, [clientPort, clusterPort], nodeDirectory, logger, startupTimeout);

    /// <summary>
    /// Describes a server process configured by a file (a cluster node, a leaf node's hub, a leaf node), listening
    /// on <paramref name="listenPorts"/> (its client port among them); not started yet.
    /// </summary>
    internal static NatsServer ForConfiguredNode(
        string binaryPath,
        string configPath,
        string serverName,
        int clientPort,
        IReadOnlyList<int> listenPorts,
        string nodeDirectory,
        ILogger logger,
        TimeSpan startupTimeout) =>
        new(
            NatsServerKind.Process,
            LoopbackUrl(clientPort),
            clientPort,
            logger,
            startupTimeout,
            serverName,
            nodeDirectory,
            ownsStoreDirectory: true,
            binaryPath,
            ["-c", configPath],
            listenPorts);

    /// <summary>Starts the process and waits until it is ready, or until it exits because a port was taken.</summary>
    internal async Task<bool> TryStartProcessAsync(CancellationToken cancellationToken) =>
        await StartProcessAndWaitAsync(cancellationToken).ConfigureAwait(false) == StartOutcome.Ready;

    internal static void TryDeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temp directory is not worth failing a test over.
        }
    }

    private static async Task<NatsServer> StartProcessAsync(string binaryPath, NatsServerOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var ownsStoreDirectory = options.StoreDirectory is null;
        var storeDirectory = ownsStoreDirectory
            ? Directory.CreateTempSubdirectory("natskvconfig-js-").FullName
            : Directory.CreateDirectory(options.StoreDirectory!).FullName;
        var serverName = options.ServerName ?? "nats-test-" + Guid.NewGuid().ToString("N")[..8];
        var attempts = options.Port == 0 ? MaxPortAttempts : 1;
        string? configurationDirectory = null;

        NatsServer? server = null;
        try
        {
            var configurationFile = options.ConfigurationText is { } text ? WriteConfiguration(text, out configurationDirectory) : null;
            for (var attempt = 1; ; attempt++)
            {
                var port = options.Port == 0 ? FreePorts.Take() : options.Port;
                List<string> arguments =
                [
                    "-js",
                    "-a", "127.0.0.1",
                    "-p", port.ToString(CultureInfo.InvariantCulture),
                    "-sd", storeDirectory,
                    "-n", serverName,
                    .. configurationFile is null ? Array.Empty<string>() : ["-c", configurationFile],
                    .. options.Username is null ? Array.Empty<string>() : ["--user", options.Username, "--pass", options.Password!],
                    .. options.Token is null ? Array.Empty<string>() : ["--auth", options.Token],
                    .. TlsArguments(options.Tls),
                    .. options.ExtraArguments,
                ];
                server = new NatsServer(
                    NatsServerKind.Process,
                    LoopbackUrl(port),
                    port,
                    logger,
                    options.StartupTimeout,
                    serverName,
                    storeDirectory,
                    ownsStoreDirectory,
                    binaryPath,
                    arguments,
                    [port],
                    clientOpts: NatsOpts.Default with { Url = LoopbackUrl(port), AuthOpts = options.HarnessAuth, TlsOpts = options.HarnessTls },
                    configurationDirectory: configurationDirectory);

                if (await server.StartProcessAndWaitAsync(cancellationToken).ConfigureAwait(false) == StartOutcome.Ready)
                {
                    return server;
                }

                if (attempt == attempts)
                {
                    throw new InvalidOperationException(server.Describe(options.Port == 0
                        ? $"nats-server {serverName} could not bind a free port; {attempts} ports were taken by other processes first."
                        : $"nats-server {serverName} could not bind port {port}: another process listens on it."));
                }

                // Another process took the free port first; this attempt's process has exited, so try a new port.
                HarnessLog.PortTaken(logger, port, serverName);
                server._process?.Dispose();
                server = null;
            }
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                if (ownsStoreDirectory)
                {
                    TryDeleteDirectory(storeDirectory);
                }

                if (configurationDirectory is not null)
                {
                    TryDeleteDirectory(configurationDirectory);
                }
            }

            throw;
        }
    }

    private static string Readable(TimeSpan duration) =>
        duration < TimeSpan.FromSeconds(1)
            ? $"{duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms"
            : $"{duration.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s";

    private static IEnumerable<string> TlsArguments(NatsServerTlsOptions? tls)
    {
        if (tls is null)
        {
            yield break;
        }

        yield return tls.VerifyClientCertificates ? "--tlsverify" : "--tls";
        yield return "--tlscert";
        yield return tls.CertificateFile!;
        yield return "--tlskey";
        yield return tls.KeyFile!;
        if (tls.CaFile is not null)
        {
            yield return "--tlscacert";
            yield return tls.CaFile;
        }
    }

    /// <summary>Writes the configuration text to a file only its owner can read (it may hold passwords).</summary>
    private static string WriteConfiguration(string text, out string directory)
    {
        directory = Directory.CreateTempSubdirectory("natskvconfig-conf-").FullName;
        var path = Path.Combine(directory, ConfigurationFileName);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options);
        writer.Write(text);
        return path;
    }

    /// <summary>The command line with the values of <c>--pass</c> and <c>--auth</c> masked, for messages.</summary>
    private static string MaskSecrets(IReadOnlyList<string> arguments)
    {
        var shown = new string[arguments.Count];
        for (var i = 0; i < arguments.Count; i++)
        {
            shown[i] = i > 0 && arguments[i - 1] is "--pass" or "--auth" ? "***" : arguments[i];
        }

        return string.Join(' ', shown);
    }

    private static string LoopbackUrl(int port) => $"nats://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The port of the first URL in a (possibly comma-separated) NATS URL; 4222 when it names none.</summary>
    private static int PortOf(string url)
    {
        var first = url.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? url;
        if (!first.Contains("://", StringComparison.Ordinal))
        {
            first = "nats://" + first;
        }

        return Uri.TryCreate(first, UriKind.Absolute, out var uri) && uri.Port > 0 ? uri.Port : 4222;
    }

    private async Task<StartOutcome> StartProcessAndWaitAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var mark = _log.Mark();
        _process?.Dispose();
        _process = NatsServerProcess.Start(_binaryPath!, _arguments, ServerName!, _ownsStoreDirectory ? StoreDirectory : null, _log, _logger);
        HarnessLog.ProcessStarted(_logger, ServerName!, _process.Id, _binaryPath!, Url, StoreDirectory!);
        return await WaitForReadyAsync(mark, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Polls the JetStream probe until it answers, the process exits, or the startup timeout passes.
    /// <paramref name="logMark"/> keeps an earlier run's "address already in use" from being read as this run's.
    /// </summary>
    private async Task<StartOutcome> WaitForReadyAsync(long logMark, CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_startupTimeout);
        while (true)
        {
            if (_process is { HasExited: true } process)
            {
                await process.WaitForExitAsync(ExitTimeout, cancellationToken).ConfigureAwait(false);
                if (_log.ContainsSince(logMark, PortInUseText))
                {
                    return StartOutcome.PortInUse;
                }

                throw new InvalidOperationException(Describe($"nats-server {ServerName} exited with code {process.ExitCode} before it was ready."));
            }

            JetStreamProbe.Answer? answer = null;
            try
            {
                answer = await JetStreamProbe.TryAsync(_clientOpts, deadline.Token).ConfigureAwait(false);
                if (answer is null)
                {
                    await Task.Delay(ReadinessPollInterval, deadline.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The deadline passed; reported below.
            }

            if (answer is not null)
            {
                ServerName ??= answer.ServerName;
                Version = answer.Version;
                HarnessLog.ServerReady(_logger, ServerName ?? string.Empty, Url, elapsed.ElapsedMilliseconds);
                return StartOutcome.Ready;
            }

            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException(Describe(
                    $"{this} was not ready (accepting clients with JetStream usable) within {Readable(_startupTimeout)}."));
            }
        }
    }

    private async Task WaitForPortsFreeAsync(CancellationToken cancellationToken)
    {
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            var busy = _listenPorts.FirstOrDefault(port => !FreePorts.IsFree(port));
            if (busy == 0)
            {
                return;
            }

            if (elapsed.Elapsed > _startupTimeout)
            {
                throw new TimeoutException(Describe($"Port {busy} of nats-server {ServerName} was still in use after {Readable(_startupTimeout)}, so it cannot restart there."));
            }

            await Task.Delay(PortPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private void EnsureControllable()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!CanControlProcess)
        {
            throw new InvalidOperationException(
                $"{this} was not started by this harness as a process, so it cannot be killed, stopped or restarted. " +
                "Start it with NatsServerOptions.ForceLocalProcess = true (and a nats-server binary installed).");
        }
    }

    /// <summary>A failure message with what was run and what the server said, so a failed test explains itself.</summary>
    private string Describe(string headline)
    {
        if (Kind == NatsServerKind.External)
        {
            return $"{headline}{Environment.NewLine}" +
                $"The URL comes from {ExternalUrlVariable}; that server must run with JetStream enabled (-js). " +
                $"Unset {ExternalUrlVariable}, or set NatsServerOptions.ForceLocalProcess, to start a local nats-server instead.";
        }

        if (Kind == NatsServerKind.Container)
        {
            return headline;
        }

        return $"{headline}{Environment.NewLine}" +
            $"Command: {_binaryPath} {MaskSecrets(_arguments)}{Environment.NewLine}" +
            $"Last lines nats-server wrote:{Environment.NewLine}{_log.Tail()}";
    }
}
