using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NatsKvConfig;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="IFeatureFlags"/>, read from the app's live configuration.</summary>
public static class NatsKvFeatureFlagsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IFeatureFlags"/> (a singleton) over the <c>features</c> section of the
    /// <see cref="IConfiguration"/> registered in <paramref name="services"/>: NATS KV keys <c>features.&lt;name&gt;</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddNatsKvFeatureFlags(this IServiceCollection services) =>
        services.AddNatsKvFeatureFlags("features");

    /// <summary>
    /// Registers <see cref="IFeatureFlags"/> (a singleton) over the configuration section <paramref name="section"/>
    /// of the <see cref="IConfiguration"/> registered in <paramref name="services"/>.
    /// </summary>
    /// <remarks>
    /// Flags are read from configuration, not from NATS, so they change as soon as the configuration reloads and need
    /// no connection or watch of their own; add the bucket with <c>AddNatsKv</c> as usual. Flags log through the
    /// registered <see cref="ILoggerFactory"/>, if any (events 9001–9004). Calling this again replaces the section:
    /// the last registration wins.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The configuration path of the section whose children are the flags, e.g. <c>my_flags</c> or <c>app:features</c>.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddNatsKvFeatureFlags(this IServiceCollection services, string section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        services.AddSingleton<IFeatureFlags>(provider => new NatsKvFeatureFlags(
            provider.GetRequiredService<IConfiguration>(),
            section,
            (ILogger?)provider.GetService<ILoggerFactory>()?.CreateLogger<NatsKvFeatureFlags>() ?? NullLogger.Instance));
        return services;
    }
}
