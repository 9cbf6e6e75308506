using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace NatsKvConfig;

/// <summary>
/// The connection a registered <see cref="NatsKvConfigClient"/> makes for itself when the app registers none; the
/// container disposes it. It connects on first use.
/// </summary>
internal sealed class NatsKvConfigClientConnection : IAsyncDisposable
{
    private readonly object _gate = new();
    private NatsConnection? _connection;
    private bool _disposed;

    public INatsConnection Get(NatsKvConfigClientOptions options, ILoggerFactory? loggerFactory)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _connection ??= new NatsConnection(options.NatsOpts ?? NatsOpts.Default with
            {
                Url = options.Url,
                Name = "NatsKvConfig.Client",
                LoggerFactory = loggerFactory ?? NatsOpts.Default.LoggerFactory,
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        NatsConnection? connection;
        lock (_gate)
        {
            _disposed = true;
            connection = _connection;
            _connection = null;
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
