using Microsoft.Extensions.Logging;

namespace NatsKvConfig.Testing;

/// <summary>How <see cref="NatsCluster.StartAsync"/> starts its nodes. Every setting has a default that suits a test.</summary>
public sealed class NatsClusterOptions
{
    /// <summary>How long the whole cluster, or one restarted node, may take to get JetStream usable. Default 30 s.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The cluster's name; null picks a unique one.</summary>
    public string? ClusterName { get; set; }

    /// <summary>
    /// The nats-server binary to run; null looks at <c>NATS_SERVER_BIN</c>, then PATH, /usr/sbin and /usr/local/bin.
    /// Clusters always run local processes: <c>NATS_URL</c> and Docker are not used.
    /// </summary>
    public string? ServerBinaryPath { get; set; }

    /// <summary>Receives what the harness does and, at debug level, every line the servers write. Null logs nothing.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>Checks the options; the exception names the caller's parameter, the message the option.</summary>
    internal void Validate(string paramName)
    {
        if (StartupTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(paramName, StartupTimeout, $"{nameof(StartupTimeout)} must be positive.");
        }

        if (ClusterName is not null && !BucketNames.IsValidToken(ClusterName))
        {
            throw new ArgumentException($"{nameof(ClusterName)} may only contain letters, digits, '_' and '-'.", paramName);
        }
    }
}
