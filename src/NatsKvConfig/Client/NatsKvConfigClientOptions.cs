using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace NatsKvConfig;

/// <summary>Which bucket a <see cref="NatsKvConfigClient"/> writes, and how.</summary>
public sealed class NatsKvConfigClientOptions
{
    /// <summary>The default server URL when neither <see cref="Url"/> nor the <c>NATS_URL</c> variable is set.</summary>
    public const string DefaultUrl = "nats://localhost:4222";

    /// <summary>The default of <see cref="MaxConcurrentWrites"/>.</summary>
    public const int DefaultMaxConcurrentWrites = 16;

    /// <summary>The name of the KV bucket. Required.</summary>
    public string? Bucket { get; set; }

    /// <summary>
    /// Works only with keys under <c>KeyPrefix.</c> (a NATS key prefix such as <c>myapp</c> or <c>myapp.prod</c>), as
    /// a provider with the same <see cref="NatsKvConfigurationSource.KeyPrefix"/> reads them: keys and paths given to
    /// and returned by the client are relative to it. <see langword="null"/> (the default) for the whole bucket.
    /// </summary>
    public string? KeyPrefix { get; set; }

    /// <summary>
    /// The sentinel key of the apps reading the bucket (<see cref="NatsKvConfigurationSource.SentinelKey"/>; relative
    /// to <see cref="KeyPrefix"/>), or <see langword="null"/> (the default) for none. When set, every write call of
    /// the client bumps it after all its other writes (it holds a counter), so readers apply the call's changes as one
    /// batch; imports, section writes and rollbacks never write or delete it otherwise.
    /// </summary>
    public string? SentinelKey { get; set; }

    /// <summary>
    /// Whether a value that is a JSON object or array reads as child paths, as the provider reads it with
    /// <see cref="NatsKvConfigurationSource.ExpandJsonValues"/> (the default, <see langword="true"/>). Used by section
    /// reads and exports.
    /// </summary>
    public bool ExpandJsonValues { get; set; } = true;

    /// <summary>
    /// How much one JSON value may expand into, as <see cref="NatsKvConfigurationSource.JsonExpansionLimits"/> of the
    /// apps reading the bucket (the defaults, <see cref="JsonExpansionLimits.Default"/>, unless they set their own):
    /// section reads, exports and diffs keep a value over a limit as one plain string, as those apps do. Documents
    /// read for import and objects written as sections are read within the same limits, and refused past them.
    /// </summary>
    public JsonExpansionLimits JsonExpansionLimits { get; set; } = JsonExpansionLimits.Default;

    /// <summary>
    /// Where the client logs (event ids 8001–8099: bucket changes, debug-level write summaries; never values), or
    /// <see langword="null"/> (the default) for nowhere. <c>AddNatsKvConfigClient</c> uses the container's when unset.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>How many writes an import, section write or rollback keeps in flight at once. Defaults to 16.</summary>
    public int MaxConcurrentWrites { get; set; } = DefaultMaxConcurrentWrites;

    /// <summary>
    /// The server URL (or comma-separated cluster URLs) for the connection
    /// <c>services.AddNatsKvConfigClient(...)</c> makes when no <see cref="INatsConnection"/> is registered. Defaults
    /// to the <c>NATS_URL</c> environment variable, else <see cref="DefaultUrl"/>. Not used by the constructors, which
    /// take a connection.
    /// </summary>
    public string Url { get; set; } = Environment.GetEnvironmentVariable("NATS_URL") is { Length: > 0 } url ? url : DefaultUrl;

    /// <summary>
    /// Full connection options (authentication, TLS) for the connection <c>AddNatsKvConfigClient</c> makes when no
    /// <see cref="INatsConnection"/> is registered; wins over <see cref="Url"/>. Not used by the constructors.
    /// </summary>
    public NatsOpts? NatsOpts { get; set; }

    /// <summary>Checks the settings and says which is wrong.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it and the allowed characters.</exception>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Bucket))
        {
            throw new ArgumentException($"{nameof(NatsKvConfigClientOptions)}.{nameof(Bucket)} must be set to the name of a NATS KV bucket.", nameof(Bucket));
        }

        if (!IsValidBucketName(Bucket))
        {
            throw new ArgumentException($"'{Bucket}' is not a valid NATS KV bucket name: use only A-Z a-z 0-9 - _.", nameof(Bucket));
        }

        if (KeyPrefix is { } prefix && (prefix.Length == 0 || !NatsKvKeyMapper.IsValidKey(prefix)))
        {
            throw new ArgumentException($"KeyPrefix '{prefix}' is not a valid NATS key prefix: use tokens of {NatsKvKeyMapper.AllowedKeyCharacters}, separated by single dots.", nameof(KeyPrefix));
        }

        if (SentinelKey is { } sentinelKey && !NatsKvKeyMapper.IsValidKey(sentinelKey))
        {
            throw new ArgumentException($"{nameof(SentinelKey)} '{sentinelKey}' is not a valid NATS key: use tokens of {NatsKvKeyMapper.AllowedKeyCharacters}, separated by single dots (a key under {nameof(KeyPrefix)}, without the prefix).", nameof(SentinelKey));
        }

        if (JsonExpansionLimits is null)
        {
            throw new ArgumentException($"{nameof(JsonExpansionLimits)} cannot be null: leave it at {nameof(NatsKvConfig.JsonExpansionLimits)}.{nameof(NatsKvConfig.JsonExpansionLimits.Default)}, or set limits of your own.", nameof(JsonExpansionLimits));
        }

        if (MaxConcurrentWrites is < 1 or > 1024)
        {
            throw new ArgumentException($"{nameof(MaxConcurrentWrites)} must be between 1 and 1024; it is {MaxConcurrentWrites}.", nameof(MaxConcurrentWrites));
        }
    }

    internal static bool IsValidBucketName(string name)
    {
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
            {
                return false;
            }
        }

        return name.Length > 0;
    }
}
