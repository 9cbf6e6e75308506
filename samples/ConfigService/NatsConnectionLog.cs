using NATS.Client.Core;

namespace ConfigService;

/// <summary>
/// Logs the service's NATS connection by state, not by attempt: one line when it is lost, one summary a minute
/// while it stays lost, one line when it is back. (NATS.Net's own log would add a warning with a stack trace per
/// reconnect attempt, every few seconds of an outage.)
/// </summary>
internal sealed class NatsConnectionLog : BackgroundService
{
    private static readonly TimeSpan SummaryInterval = TimeSpan.FromMinutes(1);

    private readonly INatsConnection _connection;
    private readonly ILogger<NatsConnectionLog> _logger;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private long? _lostAt;
    private int _failedAttempts;

    public NatsConnectionLog(INatsConnection connection, ILogger<NatsConnectionLog> logger, TimeProvider time)
    {
        _connection = connection;
        _logger = logger;
        _time = time;
        _connection.ConnectionDisconnected += OnDisconnectedAsync;
        _connection.ReconnectFailed += OnReconnectFailedAsync;
        _connection.ConnectionOpened += OnOpenedAsync;
    }

    public override void Dispose()
    {
        _connection.ConnectionDisconnected -= OnDisconnectedAsync;
        _connection.ReconnectFailed -= OnReconnectFailedAsync;
        _connection.ConnectionOpened -= OnOpenedAsync;
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SummaryInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                long? lostAt;
                int attempts;
                lock (_gate)
                {
                    (lostAt, attempts) = (_lostAt, _failedAttempts);
                }

                if (lostAt is { } since)
                {
                    Log.NatsStillDisconnected(_logger, Rounded(_time.GetElapsedTime(since)), attempts);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The service is stopping.
        }
    }

    private ValueTask OnDisconnectedAsync(object? sender, NatsEventArgs args)
    {
        lock (_gate)
        {
            if (_lostAt is not null)
            {
                return ValueTask.CompletedTask;
            }

            _lostAt = _time.GetTimestamp();
            _failedAttempts = 0;
        }

        Log.NatsDisconnected(_logger);
        return ValueTask.CompletedTask;
    }

    private ValueTask OnReconnectFailedAsync(object? sender, NatsEventArgs args)
    {
        lock (_gate)
        {
            _lostAt ??= _time.GetTimestamp();
            _failedAttempts++;
        }

        return ValueTask.CompletedTask;
    }

    private ValueTask OnOpenedAsync(object? sender, NatsEventArgs args)
    {
        long? lostAt;
        int attempts;
        lock (_gate)
        {
            (lostAt, attempts) = (_lostAt, _failedAttempts);
            _lostAt = null;
            _failedAttempts = 0;
        }

        if (lostAt is { } since)
        {
            Log.NatsReconnected(_logger, Rounded(_time.GetElapsedTime(since)), attempts);
        }

        return ValueTask.CompletedTask;
    }

    private static TimeSpan Rounded(TimeSpan duration) => TimeSpan.FromSeconds(Math.Round(duration.TotalSeconds));
}
