using NatsKvConfig;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds a NATS JetStream Key-Value bucket as a live configuration source.</summary>
public static class NatsKvConfigurationExtensions
{
    /// <summary>
    /// Adds the KV bucket <paramref name="bucket"/> on the server named by <c>NATS_URL</c> (else
    /// <c>nats://localhost:4222</c>), reloading on every change.
    /// </summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="bucket">The KV bucket's name.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it, and <c>ParamName</c> is the parameter that carried it.</exception>
    public static IConfigurationBuilder AddNatsKv(this IConfigurationBuilder builder, string bucket) =>
        builder.AddNatsKv(bucket, static _ => { });

    /// <summary>Adds the KV bucket <paramref name="bucket"/> on the server (or comma-separated cluster) at <paramref name="url"/>.</summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="bucket">The KV bucket's name.</param>
    /// <param name="url">The server URL, or a comma-separated list of cluster URLs.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it, and <c>ParamName</c> is the parameter that carried it.</exception>
    public static IConfigurationBuilder AddNatsKv(this IConfigurationBuilder builder, string bucket, string url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        return builder.AddNatsKv(bucket, source => source.Url = url);
    }

    /// <summary>Adds the KV bucket <paramref name="bucket"/>, with further settings made by <paramref name="configure"/>.</summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="bucket">The KV bucket's name.</param>
    /// <param name="configure">Sets the source's other options.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it, and <c>ParamName</c> is the parameter that carried it.</exception>
    public static IConfigurationBuilder AddNatsKv(this IConfigurationBuilder builder, string bucket, Action<NatsKvConfigurationSource> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
        ArgumentNullException.ThrowIfNull(configure);
        if (!NatsKvSettings.IsValidBucketName(bucket))
        {
            throw new ArgumentException(NatsKvSettings.InvalidBucketNameMessage(bucket), nameof(bucket));
        }

        return builder.AddNatsKv(source =>
        {
            source.Bucket = bucket;
            configure(source);
        });
    }

    /// <summary>Adds a KV bucket described entirely by <paramref name="configure"/>.</summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="configure">Sets the source's options; <see cref="NatsKvSettings.Bucket"/> is required.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it, and <c>ParamName</c> is the parameter that carried it.</exception>
    public static IConfigurationBuilder AddNatsKv(this IConfigurationBuilder builder, Action<NatsKvConfigurationSource> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var source = new NatsKvConfigurationSource();
        configure(source);
        source.Validate(nameof(configure));
        return builder.Add(source);
    }
}
