using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;

namespace NatsKvConfig.Cli;

/// <summary>
/// Where and how to connect, from the global options, falling back to the <c>nats</c> CLI's environment variables
/// (<c>NATS_URL</c>, <c>NATS_USER</c>, <c>NATS_PASSWORD</c>, <c>NATS_TOKEN</c>, <c>NATS_CREDS</c>, <c>NATS_NKEY</c>,
/// <c>NATS_CA</c>). One way to authenticate at a time.
/// </summary>
internal sealed class ConnectionSettings
{
    private ConnectionSettings(string url, NatsAuthOpts auth, string? caFile, TimeSpan timeout, IReadOnlyList<string> secrets)
    {
        Url = url;
        Auth = auth;
        CaFile = caFile;
        Timeout = timeout;
        Secrets = secrets;
    }

    public string Url { get; }

    public NatsAuthOpts Auth { get; }

    public string? CaFile { get; }

    public TimeSpan Timeout { get; }

    /// <summary>The secrets given to this run, so that no message ever repeats one.</summary>
    public IReadOnlyList<string> Secrets { get; }

    /// <summary>The servers, without any user or password written into the URL: safe to print.</summary>
    public string DisplayUrl => SecretRedactor.RedactUrls(Url);

    public static ConnectionSettings From(ParseResult parse, GlobalOptions options, CliConsole console)
    {
        var url = parse.GetValue(options.Server) is { Length: > 0 } server
            ? server
            : NatsKvSettings.UrlFrom(console.Environment);

        var given = new Credentials(
            parse.GetValue(options.User),
            parse.GetValue(options.Password),
            parse.GetValue(options.Token),
            parse.GetValue(options.Creds),
            parse.GetValue(options.NKey));
        given.EnsureOneMethod("the command line");
        var credentials = given.Any
            ? given
            : new Credentials(
                console.Environment("NATS_USER"),
                console.Environment("NATS_PASSWORD"),
                console.Environment("NATS_TOKEN"),
                console.Environment("NATS_CREDS"),
                console.Environment("NATS_NKEY"));
        credentials.EnsureOneMethod("the environment (NATS_USER/NATS_PASSWORD, NATS_TOKEN, NATS_CREDS, NATS_NKEY)");

        var caFile = parse.GetValue(options.TlsCa) is { Length: > 0 } ca ? ca : console.Environment("NATS_CA") is { Length: > 0 } envCa ? envCa : null;
        EnsureFileExists(caFile, "--tls-ca", "CA certificate");
        EnsureFileExists(credentials.Creds, "--creds", "credentials");
        EnsureFileExists(credentials.NKey, "--nkey", "NKey seed");

        var auth = NatsAuthOpts.Default with
        {
            Username = credentials.User,
            Password = credentials.Password,
            Token = credentials.Token,
            CredsFile = credentials.Creds,
            NKeyFile = credentials.NKey,
        };
        string[] secrets = [.. new[] { credentials.Password, credentials.Token }.OfType<string>().Where(s => s.Length > 0)];
        return new ConnectionSettings(url, auth, caFile, parse.GetValue(options.Timeout) ?? GlobalOptions.DefaultTimeout, secrets);
    }

    public NatsOpts ToNatsOpts() => NatsOpts.Default with
    {
        Url = Url,
        Name = "nats-kv-config",
        AuthOpts = Auth,
        TlsOpts = CaFile is null ? NatsTlsOpts.Default : NatsTlsOpts.Default with { CaFile = CaFile },
        ConnectTimeout = Timeout,
        RequestTimeout = Timeout,
        CommandTimeout = Timeout,
        LoggerFactory = NullLoggerFactory.Instance,
    };

    private static void EnsureFileExists(string? path, string option, string what)
    {
        if (path is not null && !File.Exists(path))
        {
            throw new CliUsageException($"the {what} file '{path}' ({option}) does not exist");
        }
    }

    private sealed record Credentials(string? User, string? Password, string? Token, string? Creds, string? NKey)
    {
        public bool Any => Methods > 0;

        private int Methods =>
            (User is { Length: > 0 } || Password is { Length: > 0 } ? 1 : 0) +
            (Token is { Length: > 0 } ? 1 : 0) +
            (Creds is { Length: > 0 } ? 1 : 0) +
            (NKey is { Length: > 0 } ? 1 : 0);

        public void EnsureOneMethod(string where)
        {
            if (Methods > 1)
            {
                throw new CliUsageException($"more than one way to authenticate in {where}: use one of --user/--password, --token, --creds or --nkey");
            }

            if (Password is { Length: > 0 } && User is not { Length: > 0 })
            {
                throw new CliUsageException($"a password without a user in {where}: add --user");
            }
        }
    }
}
