using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NatsKvConfig;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the health check of configuration loaded from NATS KV buckets.</summary>
public static class NatsKvHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check of the app's NATS KV configuration sources (those added with <c>AddNatsKv</c> to the
    /// <see cref="IConfiguration"/> in dependency injection): Healthy when connected and caught up; Degraded when
    /// disconnected, catching up, serving the last-known-good snapshot, or when a push was rejected by options
    /// validation (<c>KeepLastValidOnReload</c>); <paramref name="failureStatus"/> (Unhealthy by default) when a
    /// source never loaded. The result's data holds the bucket, applied revision, seconds since the last change
    /// and connection state.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="bucket">Only the source of this bucket; <see langword="null"/> for all of them.</param>
    /// <param name="name">The check's name; defaults to <c>natskvconfig</c>, or <c>natskvconfig-{bucket}</c>.</param>
    /// <param name="failureStatus">What to report when a source never loaded; defaults to Unhealthy.</param>
    /// <param name="tags">Tags to filter health checks by (readiness, say).</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddNatsKvConfiguration(
        this IHealthChecksBuilder builder,
        string? bucket = null,
        string? name = null,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name ?? (bucket is null ? "natskvconfig" : $"natskvconfig-{bucket}"),
            services => new NatsKvConfigurationHealthCheck(
                services.GetRequiredService<IConfiguration>(),
                bucket,
                services.GetService<OptionsValidationRejections>(),
                services.GetService<TimeProvider>() ?? TimeProvider.System),
            failureStatus,
            tags));
    }
}
