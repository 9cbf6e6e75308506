using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace NatsKvConfig;

/// <summary>
/// The connection the watch uses: either one the app shares with us (never disposed here), or one of our own
/// made from <see cref="NatsKvSettings.NatsOpts"/> or <see cref="NatsKvSettings.Url"/>.
/// </summary>
internal sealed class NatsConnectionLease : IAsyncDisposable
{
    private readonly INatsConnection? _shared;
    private readonly NatsOpts _opts;
    private NatsConnection? _owned;
    private bool _subscribedToShared;

    /// <param name="source">The source's connection settings.</param>
    /// <param name="loggerFactory">Where NATS.Net logs, for a connection of our own.</param>
    /// <param name="url">The server to use instead of the source's <c>Url</c> (from its connection string), if any.</param>
    public NatsConnectionLease(NatsKvConfigurationSource source, ILoggerFactory loggerFactory, string? url = null)
    {
        _shared = source.Connection;
        _opts = source.NatsOpts ?? NatsOpts.Default with
        {
            Url = url ?? source.Url,
            Name = "NatsKvConfig",
            LoggerFactory = loggerFactory,
        };
        Servers = CredentialRedactor.RedactServerList(_shared?.Opts.Url ?? _opts.Url);
    }

    /// <summary>The server URLs, without any credentials, for messages.</summary>
    public string Servers { get; }

    /// <summary>The current connection, once one was made.</summary>
    public INatsConnection? Current => _shared ?? _owned;

    /// <summary>Raised when the connection (re)opens.</summary>
    public event EventHandler? Opened;

    /// <summary>Raised when the connection drops.</summary>
    public event EventHandler? Disconnected;

    /// <summary>Returns an open connection, connecting first if needed.</summary>
    public async ValueTask<INatsConnection> GetOpenAsync(CancellationToken cancellationToken)
    {
        var connection = _shared ?? _owned;
        if (connection is null)
        {
            var owned = new NatsConnection(_opts);
            owned.ConnectionOpened += OnOpenedAsync;
            owned.ConnectionDisconnected += OnDisconnectedAsync;
            _owned = owned;
            connection = owned;
        }
        else if (_shared is not null && !_subscribedToShared)
        {
            _shared.ConnectionOpened += OnOpenedAsync;
            _shared.ConnectionDisconnected += OnDisconnectedAsync;
            _subscribedToShared = true;
        }

        if (connection.ConnectionState != NatsConnectionState.Open)
        {
            try
            {
                await connection.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch when (ReferenceEquals(connection, _owned) && connection.ConnectionState != NatsConnectionState.Open)
            {
                // A connection whose first connect failed is not reused: the next attempt starts afresh.
                _owned = null;
                await DisposeOwnedAsync((NatsConnection)connection).ConfigureAwait(false);
                throw;
            }
        }

        return connection;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_shared is not null && _subscribedToShared)
        {
            _shared.ConnectionOpened -= OnOpenedAsync;
            _shared.ConnectionDisconnected -= OnDisconnectedAsync;
        }

        if (_owned is { } owned)
        {
            _owned = null;
            await DisposeOwnedAsync(owned).ConfigureAwait(false);
        }
    }

    private async ValueTask DisposeOwnedAsync(NatsConnection connection)
    {
        connection.ConnectionOpened -= OnOpenedAsync;
        connection.ConnectionDisconnected -= OnDisconnectedAsync;
        await connection.DisposeAsync().ConfigureAwait(false);
    }

    private ValueTask OnOpenedAsync(object? sender, NatsEventArgs args)
    {
        Opened?.Invoke(this, EventArgs.Empty);
        return default;
    }

    private ValueTask OnDisconnectedAsync(object? sender, NatsEventArgs args)
    {
        Disconnected?.Invoke(this, EventArgs.Empty);
        return default;
    }
}
