using Microsoft.Extensions.Logging;

namespace NatsKvConfig.Testing;

/// <summary>How <see cref="NatsServer.StartAsync"/> gets and starts a server. Every setting has a default that suits a test.</summary>
public sealed class NatsServerOptions
{
    /// <summary>How long a start or restart may take before it fails with the server's log in the message. Default 20 s.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The server's name (<c>--server_name</c>); null picks a unique one. Ignored for external servers.</summary>
    public string? ServerName { get; set; }

    /// <summary>The client port on 127.0.0.1; 0 (the default) picks a free one and retries with another if it is taken.</summary>
    public int Port { get; set; }

    /// <summary>
    /// The JetStream store directory; null (the default) creates a fresh temp directory that disposal deletes.
    /// A directory given here is kept.
    /// </summary>
    public string? StoreDirectory { get; set; }

    /// <summary>
    /// Ignore <c>NATS_URL</c> and Docker and always start a local nats-server process. Tests that kill or
    /// restart the server need this.
    /// </summary>
    public bool ForceLocalProcess { get; set; }

    /// <summary>
    /// The nats-server binary to run; null looks at <c>NATS_SERVER_BIN</c>, then PATH, /usr/sbin and /usr/local/bin.
    /// A path that does not exist fails with <see cref="NatsServerNotFoundException"/>.
    /// </summary>
    public string? ServerBinaryPath { get; set; }

    /// <summary>
    /// A user the server requires (<c>--user</c>), together with <see cref="Password"/>; the harness itself
    /// connects with them to see that the server is ready. Null (the default) requires no authentication.
    /// </summary>
    public string? Username { get; set; }

    /// <summary>The password of <see cref="Username"/> (<c>--pass</c>).</summary>
    public string? Password { get; set; }

    /// <summary>More command-line arguments for a local nats-server process (e.g. <c>-DV</c> for protocol traces).</summary>
    public IList<string> ExtraArguments { get; } = [];

    /// <summary>Receives what the harness does and, at debug level, every line the server writes. Null logs nothing.</summary>
    public ILogger? Logger { get; set; }

    internal void Validate()
    {
        if (StartupTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StartupTimeout), StartupTimeout, "The startup timeout must be positive.");
        }

        if ((Username is null) != (Password is null))
        {
            throw new ArgumentException("Set both Username and Password, or neither.", nameof(Username));
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "The port must be 0 (pick a free one) or a TCP port number.");
        }
    }
}
