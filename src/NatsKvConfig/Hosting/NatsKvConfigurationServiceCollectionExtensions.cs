using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NatsKvConfig;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Connects the app's NATS KV configuration providers to its host.</summary>
public static class NatsKvConfigurationServiceCollectionExtensions
{
    /// <summary>
    /// Connects every NATS KV configuration provider of the app's <see cref="IConfiguration"/> (those added with
    /// <c>AddNatsKv</c>, chained configurations included) to the host when it starts. A provider whose source set no
    /// <see cref="NatsKvSettings.LoggerFactory"/> writes the events it logged before the host existed (the initial
    /// load's warnings; the first 256, then how many more were dropped) to the host's <see cref="ILoggerFactory"/>
    /// once, in order, with their levels, event ids and categories, and every later event there; one whose source set
    /// no <see cref="NatsKvConfigurationSource.MeterFactory"/> records its metrics on a meter of the host's
    /// <see cref="IMeterFactory"/>. Calling it again adds nothing.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddNatsKvConfiguration(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, NatsKvHostConnection>(static provider => new NatsKvHostConnection(
            provider.GetRequiredService<IConfiguration>(),
            provider.GetService<ILoggerFactory>(),
            provider.GetService<IMeterFactory>())));
        return services;
    }
}
