using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NatsKvConfig;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a <see cref="NatsKvConfigClient"/> for dependency injection.</summary>
public static class NatsKvConfigClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="NatsKvConfigClient"/> for bucket <paramref name="bucket"/>, over the app's
    /// <see cref="INatsConnection"/> if one is registered, else over a connection of its own to the server named by
    /// <c>NATS_URL</c> (else <c>nats://localhost:4222</c>), disposed with the container.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="bucket">The KV bucket's name.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddNatsKvConfigClient(this IServiceCollection services, string bucket)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
        return services.AddNatsKvConfigClient(options => options.Bucket = bucket);
    }

    /// <summary>
    /// Registers a singleton <see cref="NatsKvConfigClient"/> configured by <paramref name="configure"/> (which may
    /// run with other <c>Configure&lt;NatsKvConfigClientOptions&gt;</c> calls), over the app's
    /// <see cref="INatsConnection"/> if one is registered, else over a connection of its own made from
    /// <see cref="NatsKvSettings.NatsOpts"/> or <see cref="NatsKvSettings.Url"/>, disposed with
    /// the container.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the bucket and the other options.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddNatsKvConfigClient(this IServiceCollection services, Action<NatsKvConfigClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<NatsKvConfigClientOptions>().Configure(configure);
        services.TryAddSingleton<NatsKvConfigClientConnection>();
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<NatsKvConfigClientOptions>>().Value;
            var connection = provider.GetService<INatsConnection>() ?? provider.GetRequiredService<NatsKvConfigClientConnection>().Get(options, provider.GetService<ILoggerFactory>());
            var loggerFactory = options.LoggerFactory ?? provider.GetService<ILoggerFactory>();
            return new NatsKvConfigClient(new NatsJSContext(connection), options, loggerFactory?.CreateLogger<NatsKvConfigClient>());
        });
        return services;
    }
}
