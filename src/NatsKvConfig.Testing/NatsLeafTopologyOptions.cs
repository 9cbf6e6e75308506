using Microsoft.Extensions.Logging;

namespace NatsKvConfig.Testing;

/// <summary>How <see cref="NatsLeafTopology.StartAsync"/> starts its servers. Every setting has a default that suits a test.</summary>
public sealed class NatsLeafTopologyOptions
{
    /// <summary>The hub's JetStream domain. Default <c>hub</c>: a leaf node reaches its JetStream as <c>$JS.hub.API</c>.</summary>
    public string HubDomain { get; set; } = "hub";

    /// <summary>
    /// What the leaf nodes' JetStream domains start with: leaf node <c>i</c> (from 0) has domain
    /// <c>&lt;prefix&gt;&lt;i+1&gt;</c>, e.g. <c>edge1</c>, <c>edge2</c>. Default <c>edge</c>.
    /// </summary>
    public string LeafDomainPrefix { get; set; } = "edge";

    /// <summary>How long each server, and each leaf node's connection to the hub, may take to get ready. Default 30 s.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The nats-server binary to run; null looks at <c>NATS_SERVER_BIN</c>, then PATH, /usr/sbin and /usr/local/bin.
    /// Leaf-node topologies always run local processes: <c>NATS_URL</c> and Docker are not used.
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

        if (!IsDomainToken(HubDomain))
        {
            throw new ArgumentException($"{nameof(HubDomain)} must be letters, digits and '_' only.", paramName);
        }

        if (!IsDomainToken(LeafDomainPrefix))
        {
            throw new ArgumentException($"{nameof(LeafDomainPrefix)} must be letters, digits and '_' only.", paramName);
        }
    }

    // A domain is one token of the API subject ($JS.<domain>.API): no dots, wildcards or spaces; '-' is kept out too
    // because the server's config parser would read an unquoted value with it as something else.
    private static bool IsDomainToken(string? value) =>
        !string.IsNullOrEmpty(value) && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
