using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace NatsKvConfig;

/// <summary>
/// The settings the configuration source (<see cref="NatsKvConfigurationSource"/>) and the client
/// (<see cref="NatsKvConfigClientOptions"/>) share: which bucket, which server, which keys, and how values read.
/// Each has one meaning and one default for both, so a client and a provider given the same values see the same paths.
/// </summary>
public abstract class NatsKvSettings
{
    /// <summary>The server URL used when neither <see cref="Url"/> nor the <c>NATS_URL</c> variable is set.</summary>
    /// <remarks>
    /// A <see langword="const"/>: it is a value (NATS's own default: port 4222 on the local machine), not display text, and
    /// does not change, so compiling it into callers is safe.
    /// </remarks>
    public const string DefaultUrl = "nats://localhost:4222";

    /// <summary>The environment variable <see cref="Url"/> defaults to, as the <c>nats</c> CLI reads it.</summary>
    internal const string UrlVariable = "NATS_URL";

    /// <summary>The characters a bucket name may hold, for messages.</summary>
    internal const string BucketNameCharacters = "A-Z a-z 0-9 - _";

    // Only the source and the client options derive: the library reads these settings, a third kind would mean nothing.
    private protected NatsKvSettings()
    {
    }

    /// <summary>The name of the KV bucket (<c>A-Z a-z 0-9 - _</c>). Required.</summary>
    public string? Bucket { get; set; }

    /// <summary>
    /// The server URL, or a comma-separated list of cluster URLs. Defaults to the <c>NATS_URL</c> environment variable
    /// (read when the settings are created), else <see cref="DefaultUrl"/>. <see cref="NatsOpts"/> wins over it, and
    /// neither is used when a connection is given: <see cref="NatsKvConfigurationSource.Connection"/>, or the
    /// <see cref="NatsKvConfigClient"/> constructors, which take one (the client's URL is for the connection
    /// <c>AddNatsKvConfigClient</c> makes when no <see cref="INatsConnection"/> is registered).
    /// </summary>
    public string Url
    {
        get => _url;
        set
        {
            _url = value;
            IsUrlSet = true;
        }
    }

    // The default (NATS_URL, else DefaultUrl) until set: a connection string (ConnectionName) wins over the
    // default, an explicit Url wins over the connection string.
    private string _url = UrlFrom(Environment.GetEnvironmentVariable);

    /// <summary>Whether <see cref="Url"/> was set, rather than left at its default.</summary>
    internal bool IsUrlSet { get; private set; }

    /// <summary>
    /// Full NATS.Net connection options, for authentication and TLS; wins over <see cref="Url"/>. Not used when a
    /// connection is given (see <see cref="Url"/>).
    /// </summary>
    public NatsOpts? NatsOpts { get; set; }

    /// <summary>
    /// Works only with keys under <c>KeyPrefix.</c> (a NATS key prefix such as <c>myapp</c> or <c>myapp.prod</c>), or
    /// <see langword="null"/> (the default) for the whole bucket. The provider loads only those keys, watched
    /// server-side as <c>KeyPrefix.&gt;</c>, and removes the prefix from the configuration paths; the client's keys and
    /// paths, given and returned, are relative to it. A client and a provider with the same prefix see the same paths.
    /// </summary>
    public string? KeyPrefix { get; set; }

    /// <summary>
    /// A NATS key (relative to <see cref="KeyPrefix"/>, like every other key) whose change releases a change set, or
    /// <see langword="null"/> (the default) for none. Once its initial state is loaded, a provider holds changes to
    /// other keys back and applies them together with the next change of this key, as one batch with one reload
    /// (without one, every change applies as it arrives). A client bumps it (it holds a counter) after all the other
    /// writes of each write call, so those readers apply the call's changes at once; imports, section writes and
    /// rollbacks never write or delete it otherwise. Writers by hand change the other keys first and the sentinel last.
    /// </summary>
    public string? SentinelKey { get; set; }

    /// <summary>
    /// Whether a value that is a JSON object or array expands into child configuration paths. Defaults to
    /// <see langword="true"/>. The client's section reads and exports read values as a provider with the same
    /// setting does.
    /// </summary>
    public bool ExpandJsonValues { get; set; } = true;

    /// <summary>
    /// How much one JSON value may expand into (paths, length of a path, characters in all, and relative to its own
    /// length). A value over a limit is kept as one plain string: the provider logs warning 2005 naming its key, its
    /// revision and the limit, and applies the rest of the bucket as usual; the client's section reads, exports and
    /// diffs keep it as a string too, and it refuses documents to import and objects to write as sections past the
    /// limits. Defaults to <see cref="JsonExpansionLimits.Default"/>; give a client the limits of the apps reading
    /// the bucket.
    /// </summary>
    public JsonExpansionLimits JsonExpansionLimits { get; set; } = JsonExpansionLimits.Default;

    /// <summary>
    /// Where the provider or the client logs (fixed event ids; never values), or <see langword="null"/> (the
    /// default). Providers are built before dependency injection exists, so theirs is set here (unset: nowhere); a
    /// client registered with <c>AddNatsKvConfigClient</c> uses the container's when unset, one made with a
    /// constructor logs nowhere.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The server URL from <c>NATS_URL</c> as <paramref name="variable"/> reads it, else <see cref="DefaultUrl"/>.</summary>
    /// <param name="variable">Reads an environment variable: the process's, or a test's.</param>
    internal static string UrlFrom(Func<string, string?> variable) =>
        variable(UrlVariable) is { Length: > 0 } url ? url : DefaultUrl;

    /// <summary>Whether <paramref name="name"/> is a NATS KV bucket name: one or more of <c>A-Z a-z 0-9 - _</c>.</summary>
    internal static bool IsValidBucketName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Why <paramref name="name"/> is not a bucket name: the one message, also for the CLI's argument.</summary>
    internal static string InvalidBucketNameMessage(string? name) =>
        $"'{name}' is not a valid NATS KV bucket name: use only {BucketNameCharacters}.";

    /// <summary>
    /// Checks the settings and says which one is wrong: the one check the source and the client options share, so
    /// the same problem gets the same message. Derived settings check their own after these.
    /// </summary>
    /// <param name="paramName">The caller's parameter that carried these settings, for <see cref="ArgumentException.ParamName"/>.</param>
    /// <exception cref="ArgumentException">
    /// A setting is invalid; the message names it and <see cref="ArgumentException.ParamName"/> is
    /// <paramref name="paramName"/> (the type the client documents, and the CLI and the config service report as a
    /// usage error).
    /// </exception>
    internal virtual void Validate(string paramName)
    {
        if (string.IsNullOrWhiteSpace(Bucket))
        {
            throw new ArgumentException($"{nameof(Bucket)} must be set to the name of a NATS KV bucket.", paramName);
        }

        if (!IsValidBucketName(Bucket))
        {
            throw new ArgumentException(InvalidBucketNameMessage(Bucket), paramName);
        }

        if (KeyPrefix is { } prefix && (prefix.Length == 0 || !NatsKvKeyMapper.IsValidKey(prefix)))
        {
            throw new ArgumentException($"{nameof(KeyPrefix)} '{prefix}' is not a valid NATS key prefix: use tokens of {NatsKvKeyMapper.AllowedKeyCharacters}, separated by single dots.", paramName);
        }

        if (SentinelKey is { } sentinelKey && !NatsKvKeyMapper.IsValidKey(sentinelKey))
        {
            throw new ArgumentException($"{nameof(SentinelKey)} '{sentinelKey}' is not a valid NATS key: use tokens of {NatsKvKeyMapper.AllowedKeyCharacters}, separated by single dots (a key under {nameof(KeyPrefix)}, without the prefix).", paramName);
        }

        if (JsonExpansionLimits is null)
        {
            throw new ArgumentException($"{nameof(JsonExpansionLimits)} cannot be null: leave it at {nameof(NatsKvConfig.JsonExpansionLimits)}.{nameof(NatsKvConfig.JsonExpansionLimits.Default)}, or set limits of your own.", paramName);
        }
    }
}
