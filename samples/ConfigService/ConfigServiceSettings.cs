using System.Globalization;
using NatsKvConfig;

namespace ConfigService;

/// <summary>
/// The service's own settings, read once at start-up from appsettings, the environment and the command line —
/// never from the bucket it serves, so that whoever can write the bucket cannot change the tokens or the limits.
/// </summary>
internal sealed class ConfigServiceSettings
{
    public const string SectionName = "ConfigService";

    /// <summary>The shortest token taken: shorter ones are guessable, and refused at start.</summary>
    public const int MinTokenLength = 16;

    /// <summary>The bucket served (<c>ConfigService:Bucket</c>, default <c>app_config</c>).</summary>
    public string Bucket { get; init; } = "app_config";

    /// <summary>
    /// The bearer token writes need (<c>ConfigService:WriteToken</c>, or the content of the file
    /// <c>ConfigService:WriteTokenFile</c>); without one, writes are refused.
    /// </summary>
    public string? WriteToken { get; init; }

    /// <summary>
    /// The bearer token reads need (<c>ConfigService:ReadToken</c> or <c>ConfigService:ReadTokenFile</c>); without one,
    /// reads are served to loopback clients only, unless <see cref="AllowAnonymousReads"/>. The write token reads too.
    /// </summary>
    public string? ReadToken { get; init; }

    /// <summary>Whether anyone may read without a token when no read token is set (<c>ConfigService:AllowAnonymousReads</c>).</summary>
    public bool AllowAnonymousReads { get; init; }

    /// <summary>The NATS server(s) (<c>NATS_URL</c>, default <c>nats://localhost:4222</c>).</summary>
    public string NatsUrl { get; init; } = NatsKvSettings.DefaultUrl;

    /// <summary>
    /// The CA that signed the NATS servers' certificates (<c>ConfigService:NatsCaFile</c>, a PEM file), or none: then
    /// TLS (a <c>tls://</c> URL) checks them against the system's CAs.
    /// </summary>
    public string? NatsCaFile { get; init; }

    /// <summary>
    /// The key prefix of the bucket the service takes its own configuration from (<c>ConfigService:SettingsPrefix</c>,
    /// default <c>config-service</c>): <c>config-service.Logging.LogLevel.Default</c> sets <c>Logging:LogLevel:Default</c>
    /// of the service, while <c>Logging.LogLevel.Default</c> is left to the apps it is meant for.
    /// </summary>
    public string SettingsPrefix { get; init; } = "config-service";

    /// <summary>How long a request waits for NATS before it is answered 503 (<c>ConfigService:NatsRequestTimeout</c>, default 5 s).</summary>
    public TimeSpan NatsRequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A second port serving only <c>/healthz</c> and <c>/metrics</c> (<c>ConfigService:ManagementPort</c>), or none:
    /// then they are served on the API's port.
    /// </summary>
    public int? ManagementPort { get; init; }

    /// <summary>The most <c>/events</c> streams open at once (<c>ConfigService:MaxEventStreams</c>, default 100).</summary>
    public int MaxEventStreams { get; init; } = 100;

    /// <summary>
    /// The most <c>/events</c> streams one token (or, without one, one client address) may hold open
    /// (<c>ConfigService:MaxEventStreamsPerClient</c>, default 10).
    /// </summary>
    public int MaxEventStreamsPerClient { get; init; } = 10;

    /// <summary>
    /// The most bytes of changes an <c>/events</c> stream may have waiting to be sent
    /// (<c>ConfigService:EventBufferBytes</c>, default 1 MiB): a stream further behind is sent a resync instead.
    /// </summary>
    public int EventBufferBytes { get; init; } = 1024 * 1024;

    /// <summary>
    /// The most changes replayed to a stream reopened with <c>Last-Event-ID</c> (<c>ConfigService:MaxReplayEvents</c>,
    /// default 1000): a client further behind is sent a resync, and reads the list again.
    /// </summary>
    public int MaxReplayEvents { get; init; } = 1000;

    /// <summary>Reads and checks the settings.</summary>
    /// <exception cref="InvalidOperationException">A setting is invalid; the message names it (never a token).</exception>
    public static ConfigServiceSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var prefix = section["SettingsPrefix"] is { Length: > 0 } p ? p : "config-service";
        if (!NatsKvKeyMapper.IsValidKey(prefix))
        {
            throw Invalid("SettingsPrefix", $"'{prefix}' is not a valid NATS key prefix: use A-Z a-z 0-9 - _ / =, in tokens separated by single dots");
        }

        return new ConfigServiceSettings
        {
            Bucket = section["Bucket"] is { Length: > 0 } bucket ? bucket : "app_config",
            WriteToken = Token(section, "WriteToken"),
            ReadToken = Token(section, "ReadToken"),
            AllowAnonymousReads = Flag(section, "AllowAnonymousReads"),
            NatsUrl = configuration["NATS_URL"] is { Length: > 0 } url ? url : NatsKvSettings.DefaultUrl,
            NatsCaFile = section["NatsCaFile"] is { Length: > 0 } ca ? ca : null,
            SettingsPrefix = prefix,
            NatsRequestTimeout = Duration(section, "NatsRequestTimeout", TimeSpan.FromSeconds(5)),
            ManagementPort = section["ManagementPort"] is { Length: > 0 } ? Number(section, "ManagementPort", 0, 1, 65535) : null,
            MaxEventStreams = Number(section, "MaxEventStreams", 100, 1, 100_000),
            MaxEventStreamsPerClient = Number(section, "MaxEventStreamsPerClient", 10, 1, 100_000),
            EventBufferBytes = Number(section, "EventBufferBytes", 1024 * 1024, 4096, int.MaxValue),
            MaxReplayEvents = Number(section, "MaxReplayEvents", 1000, 0, 1_000_000),
        };
    }

    /// <summary>The options of a connection to NATS named <paramref name="name"/>, with TLS when a CA is given.</summary>
    public NATS.Client.Core.NatsOpts NatsOptions(string name) => NATS.Client.Core.NatsOpts.Default with
    {
        Url = NatsUrl,
        Name = name,
        TlsOpts = NatsCaFile is null ? NATS.Client.Core.NatsTlsOpts.Default : new NATS.Client.Core.NatsTlsOpts { CaFile = NatsCaFile, Mode = NATS.Client.Core.TlsMode.Require },
    };

    /// <summary>
    /// A token given directly (<c>WriteToken</c>) or as a file holding it (<c>WriteTokenFile</c>, e.g. a mounted
    /// Secret; surrounding white space ignored), at least <see cref="MinTokenLength"/> characters.
    /// </summary>
    private static string? Token(IConfigurationSection section, string name)
    {
        var direct = section[name] is { Length: > 0 } value ? value : null;
        var file = section[name + "File"] is { Length: > 0 } path ? path : null;
        if (direct is not null && file is not null)
        {
            throw Invalid(name, $"is set both directly and as a file ({EnvironmentName(name + "File")}): set one");
        }

        if (file is not null)
        {
            try
            {
                direct = File.ReadAllText(file).Trim();
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw Invalid(name + "File", $"names a file that cannot be read, '{file}' ({exception.GetType().Name})");
            }

            if (direct.Length == 0)
            {
                throw Invalid(name + "File", $"names an empty file, '{file}'");
            }
        }

        if (direct is not null && direct.Length < MinTokenLength)
        {
            // The length is said, never the token.
            throw Invalid(
                file is null ? name : name + "File",
                $"is too short: {direct.Length} characters, and a token needs at least {MinTokenLength} (generate one with: openssl rand -hex 32)");
        }

        return direct;
    }

    private static bool Flag(IConfigurationSection section, string name) => section[name] switch
    {
        null or "" => false,
        var text when bool.TryParse(text, out var value) => value,
        _ => throw Invalid(name, "must be true or false"),
    };

    private static int Number(IConfigurationSection section, string name, int fallback, int min, int max)
    {
        if (section[name] is not { Length: > 0 } text)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw Invalid(name, $"must be a whole number from {min} to {max}");
    }

    /// <summary>A time span as <c>00:00:05</c>, or a number of seconds (<c>5</c>, <c>0.5</c>).</summary>
    private static TimeSpan Duration(IConfigurationSection section, string name, TimeSpan fallback)
    {
        if (section[name] is not { Length: > 0 } text)
        {
            return fallback;
        }

        var value = double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span : TimeSpan.Zero;
        return value > TimeSpan.Zero && value <= TimeSpan.FromMinutes(10)
            ? value
            : throw Invalid(name, "must be a duration above zero and at most 10 minutes: seconds (5) or hh:mm:ss (00:00:05)");
    }

    private static string EnvironmentName(string name) => $"{SectionName}__{name}";

    private static InvalidOperationException Invalid(string name, string problem) =>
        new($"{SectionName}:{name} (environment variable {EnvironmentName(name)}) {problem}.");
}
