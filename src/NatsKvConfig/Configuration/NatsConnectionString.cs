using Microsoft.Extensions.Configuration;

namespace NatsKvConfig;

/// <summary>
/// Finds the server of a source that names a connection string (<see cref="NatsKvConfigurationSource.ConnectionName"/>)
/// in the configuration built before it, as .NET Aspire's <c>ConnectionStrings:{name}</c> convention has it.
/// </summary>
internal static class NatsConnectionString
{
    /// <summary>The configuration key a connection name is looked up under, as <c>GetConnectionString</c> reads it.</summary>
    public static string KeyFor(string connectionName) => "ConnectionStrings:" + connectionName;

    /// <summary>
    /// The server URL (or comma-separated list) to connect to, or <see langword="null"/> when the source names no
    /// connection string or sets its server explicitly (its <c>Url</c>, <c>NatsOpts</c> or <c>Connection</c> wins).
    /// </summary>
    /// <param name="source">The source being built.</param>
    /// <param name="builder">
    /// The builder the source is built by: a <c>ConfigurationManager</c> is itself the configuration built so far; a
    /// plain builder's sources before <paramref name="source"/> are built once more, just to read the key.
    /// </param>
    /// <exception cref="InvalidOperationException">The connection string is missing or blank.</exception>
    public static string? Resolve(NatsKvConfigurationSource source, IConfigurationBuilder builder)
    {
        if (source.ConnectionName is not { } name || source.Connection is not null || source.NatsOpts is not null || source.IsUrlSet)
        {
            return null;
        }

        var key = KeyFor(name);
        var value = builder is IConfiguration configuration ? configuration[key] : ReadFromSourcesBefore(source, builder, key);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Missing(source.Bucket, name);
        }

        return value.Trim();
    }

    /// <summary>The error for a connection string that is not there, naming the key looked up (never a value).</summary>
    public static InvalidOperationException Missing(string? bucket, string connectionName) =>
        new($"The NATS KV configuration source of bucket '{bucket}' takes its server from the connection string '{KeyFor(connectionName)}', " +
            $"which the configuration built before it does not have. Set it (appsettings.json \"ConnectionStrings\": {{ \"{connectionName}\": \"nats://localhost:4222\" }}, " +
            $"or the environment variable ConnectionStrings__{connectionName}; an Aspire AppHost's WithReference sets it), or set the source's Url.");

    private static string? ReadFromSourcesBefore(NatsKvConfigurationSource source, IConfigurationBuilder builder, string key)
    {
        var providers = new List<IConfigurationProvider>();
        foreach (var earlier in builder.Sources)
        {
            if (ReferenceEquals(earlier, source))
            {
                break;
            }

            // Another bucket is not read a second time (a second connection and full load) just for a connection
            // string; a chained configuration is read, never disposed with the throwaway root below.
            IConfigurationSource? readable = earlier switch
            {
                NatsKvConfigurationSource => null,
                ChainedConfigurationSource { Configuration: { } chained } => new ChainedConfigurationSource { Configuration = chained, ShouldDisposeConfiguration = false },
                ChainedConfigurationSource => null,
                _ => earlier,
            };
            if (readable is not null)
            {
                providers.Add(readable.Build(builder));
            }
        }

        using var root = new ConfigurationRoot(providers);
        return root[key];
    }
}
