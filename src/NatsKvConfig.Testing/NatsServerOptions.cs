using Microsoft.Extensions.Logging;
using NATS.Client.Core;

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
    /// restart the server need this. Setting <see cref="Username"/>, <see cref="Token"/>, <see cref="Tls"/> or
    /// <see cref="ConfigurationText"/> implies it: only a local process can be made to require them.
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

    /// <summary>
    /// A token the server requires (<c>--auth</c>); the harness itself connects with it. Null (the default) requires
    /// none. Cannot be combined with <see cref="Username"/>.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>TLS for the server (and for the harness's own connections to it); null (the default) is plain TCP.</summary>
    public NatsServerTlsOptions? Tls { get; set; }

    /// <summary>
    /// The text of a nats-server configuration file, written to a temp file readable by the owner only and
    /// passed with <c>-c</c>; deleted on disposal. Use it for what has no command-line option, such as several
    /// users, NKey users or per-user permissions. The harness's command-line options (address, port, store
    /// directory, name, JetStream, <see cref="Username"/>, <see cref="Token"/>, <see cref="Tls"/>) win over the file.
    /// Set <see cref="ClientAuth"/> to a user of the file that may use JetStream, so that the harness can connect.
    /// </summary>
    /// <example>
    /// An admin with an NKey, and a user limited by permissions (docs/security.md has the set a reader needs):
    /// <code>
    /// authorization {
    ///   users = [
    ///     { nkey: "U...the admin's public NKey..." }
    ///     { user: reader, password: secret, permissions: { publish: { allow: ["$JS.API.STREAM.INFO.KV_app"] } } }
    ///   ]
    /// }
    /// </code>
    /// </example>
    public string? ConfigurationText { get; set; }

    /// <summary>
    /// The credentials the harness connects with (to see that the server is ready, and in
    /// <see cref="NatsServer.ClientOpts"/>) when they come from <see cref="ConfigurationText"/>, e.g. an NKey
    /// (<see cref="NatsAuthOpts.NKey"/> and <see cref="NatsAuthOpts.Seed"/>). Null uses <see cref="Username"/> and
    /// <see cref="Password"/>, or <see cref="Token"/>, if set.
    /// </summary>
    public NatsAuthOpts? ClientAuth { get; set; }

    /// <summary>More command-line arguments for a local nats-server process (e.g. <c>-DV</c> for protocol traces).</summary>
    public IList<string> ExtraArguments { get; } = [];

    /// <summary>Receives what the harness does and, at debug level, every line the server writes. Null logs nothing.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>Whether a setting needs a process the harness starts: an external server cannot be made to require it.</summary>
    internal bool NeedsLocalProcess =>
        ForceLocalProcess || Username is not null || Token is not null || Tls is not null || ConfigurationText is not null;

    /// <summary>The credentials the harness connects with.</summary>
    internal NatsAuthOpts HarnessAuth => ClientAuth ?? (Username is not null
        ? NatsAuthOpts.Default with { Username = Username, Password = Password }
        : Token is not null ? NatsAuthOpts.Default with { Token = Token } : NatsAuthOpts.Default);

    /// <summary>The TLS settings the harness connects with.</summary>
    internal NatsTlsOpts HarnessTls => Tls is null
        ? NatsTlsOpts.Default
        : NatsTlsOpts.Default with
        {
            Mode = TlsMode.Require,
            CaFile = Tls.CaFile,
            CertFile = Tls.ClientCertificateFile,
            KeyFile = Tls.ClientKeyFile,
        };

    /// <summary>Checks the options; the exception names the caller's parameter, the message the option.</summary>
    internal void Validate(string paramName)
    {
        if (StartupTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(paramName, StartupTimeout, $"{nameof(StartupTimeout)} must be positive.");
        }

        if ((Username is null) != (Password is null))
        {
            throw new ArgumentException($"Set both {nameof(Username)} and {nameof(Password)}, or neither.", paramName);
        }

        if (Username is not null && Token is not null)
        {
            throw new ArgumentException($"Set {nameof(Username)} and {nameof(Password)}, or {nameof(Token)}, not both: nats-server takes one kind of single-user authentication.", paramName);
        }

        Tls?.Validate(paramName);

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(paramName, Port, $"{nameof(Port)} must be 0 (pick a free one) or a TCP port number.");
        }
    }
}
