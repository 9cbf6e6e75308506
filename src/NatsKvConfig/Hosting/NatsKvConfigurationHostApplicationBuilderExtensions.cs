using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NatsKvConfig;

namespace Microsoft.Extensions.Hosting;

/// <summary>The one line that adds live configuration from a NATS KV bucket to a host.</summary>
public static class NatsKvConfigurationHostApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the KV bucket <paramref name="bucket"/> to the host's configuration, on the server of the connection
    /// string <c>ConnectionStrings:{connectionName}</c> (what an Aspire AppHost's <c>WithReference</c> sets); connects
    /// its provider to the host's logging and metrics (<see cref="NatsKvConfigurationServiceCollectionExtensions.AddNatsKvConfiguration(IServiceCollection)"/>);
    /// and adds its health check, <c>natskvconfig-{bucket}</c> (<c>AddHealthChecks().AddNatsKvConfiguration(bucket)</c>).
    /// </summary>
    /// <param name="builder">The host's builder.</param>
    /// <param name="connectionName">The name of the connection string holding the server's URL.</param>
    /// <param name="bucket">The KV bucket's name.</param>
    /// <param name="configure">Sets the source's other options; an explicit <see cref="NatsKvSettings.Url"/>,
    /// <see cref="NatsKvSettings.NatsOpts"/> or <see cref="NatsKvConfigurationSource.Connection"/> wins over the connection string.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it, and <c>ParamName</c> is the parameter that carried it.</exception>
    /// <exception cref="InvalidOperationException">The configuration has no connection string <c>ConnectionStrings:{connectionName}</c> and no server was set.</exception>
    public static IHostApplicationBuilder AddNatsKvConfiguration(
        this IHostApplicationBuilder builder,
        string connectionName,
        string bucket,
        Action<NatsKvConfigurationSource>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
        builder.Configuration.AddNatsKv(bucket, source =>
        {
            source.ConnectionName = connectionName;
            configure?.Invoke(source);
        });
        builder.Services.AddNatsKvConfiguration();
        builder.Services.AddHealthChecks().AddNatsKvConfiguration(bucket);
        return builder;
    }
}
