using System.CommandLine;

namespace NatsKvConfig.Cli;

/// <summary>
/// The options every command takes (connection, credentials, output format), in the <c>nats</c> CLI's spelling.
/// Credentials also come from the <c>nats</c> CLI's environment variables, so they need not be on the command
/// line (where other users of the machine can see them).
/// </summary>
internal sealed class GlobalOptions
{
    public Option<string?> Server { get; } = new("--server", "-s")
    {
        Description = $"NATS server URL(s), comma-separated [env: {NatsKvSettings.UrlVariable}; default: {NatsKvSettings.DefaultUrl}]",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<string?> User { get; } = new("--user")
    {
        Description = "User name [env: NATS_USER]",
        HelpName = "USER",
        Recursive = true,
    };

    public Option<string?> Password { get; } = new("--password")
    {
        Description = "Password [env: NATS_PASSWORD]",
        HelpName = "PASSWORD",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "Authentication token [env: NATS_TOKEN]",
        HelpName = "TOKEN",
        Recursive = true,
    };

    public Option<string?> Creds { get; } = new("--creds")
    {
        Description = "User credentials file (JWT and NKey seed) [env: NATS_CREDS]",
        HelpName = "FILE",
        Recursive = true,
    };

    public Option<string?> NKey { get; } = new("--nkey")
    {
        Description = "User NKey seed file [env: NATS_NKEY]",
        HelpName = "FILE",
        Recursive = true,
    };

    public Option<string?> TlsCa { get; } = new("--tls-ca")
    {
        Description = "CA certificate file (PEM) to verify the server's TLS certificate [env: NATS_CA]",
        HelpName = "FILE",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Machine-readable JSON output",
        Recursive = true,
    };

    public Option<string?> Sentinel { get; } = new("--sentinel")
    {
        Description = "The apps' sentinel key (NatsKvConfigurationSource.SentinelKey): every write bumps it last, so the apps apply the whole change as one",
        HelpName = "KEY",
        Recursive = true,
    };

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    public Option<TimeSpan?> Timeout { get; } = new("--timeout")
    {
        Description = "How long to wait for the server to connect and to answer each request [default: 5s]",
        HelpName = "DURATION",
        Recursive = true,
        CustomParser = result => Parsing.DurationParser.ParseArgument(result, allowZero: false),
    };

    public void AddTo(Command root)
    {
        root.Options.Add(Server);
        root.Options.Add(User);
        root.Options.Add(Password);
        root.Options.Add(Token);
        root.Options.Add(Creds);
        root.Options.Add(NKey);
        root.Options.Add(TlsCa);
        root.Options.Add(Json);
        root.Options.Add(Timeout);
        root.Options.Add(Sentinel);
    }
}
