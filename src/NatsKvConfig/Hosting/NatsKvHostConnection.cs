using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NatsKvConfig;

/// <summary>
/// Joins every NATS KV provider of the app's configuration to the host as it starts, before any other hosted
/// service: the providers were built before the host's logging and metrics existed. Registered once by
/// <c>services.AddNatsKvConfiguration()</c>; leaves the host's logging when the host's services are disposed.
/// </summary>
internal sealed class NatsKvHostConnection(IConfiguration configuration, ILoggerFactory? loggerFactory, IMeterFactory? meterFactory)
    : IHostedLifecycleService, IDisposable
{
    private readonly object _gate = new();
    private List<NatsKvConfigurationProvider>? _joined;

    /// <summary>Joins the providers; idempotent, and called as early as the host allows.</summary>
    public void Join()
    {
        lock (_gate)
        {
            if (_joined is not null)
            {
                return;
            }

            _joined = NatsKvProviders.In(configuration);
            foreach (var provider in _joined)
            {
                provider.JoinHost(loggerFactory, meterFactory);
            }
        }
    }

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        Join();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // A host older than IHostedLifecycleService calls only this.
        Join();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The host's logging is being disposed with its services: the providers, which may outlive it, stop writing to it.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_joined is null || loggerFactory is null)
            {
                return;
            }

            foreach (var provider in _joined)
            {
                provider.LeaveHost(loggerFactory);
            }
        }
    }
}
