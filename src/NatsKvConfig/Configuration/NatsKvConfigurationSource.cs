using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace NatsKvConfig;

/// <summary>
/// Describes a NATS JetStream Key-Value bucket to read configuration from, and how to watch it.
/// Add it with <c>builder.Configuration.AddNatsKv(...)</c>.
/// </summary>
public sealed class NatsKvConfigurationSource : IConfigurationSource
{
    /// <summary>The default server URL when neither <see cref="Url"/> nor the <c>NATS_URL</c> variable is set.</summary>
    public const string DefaultUrl = "nats://localhost:4222";

    /// <summary>The name of the KV bucket to read. Required.</summary>
    public string? Bucket { get; set; }

    /// <summary>
    /// The server URL, or a comma-separated list of cluster URLs. Defaults to the <c>NATS_URL</c> environment
    /// variable, else <see cref="DefaultUrl"/>. Ignored when <see cref="NatsOpts"/> or <see cref="Connection"/> is set.
    /// </summary>
    public string Url { get; set; } = Environment.GetEnvironmentVariable("NATS_URL") is { Length: > 0 } url ? url : DefaultUrl;

    /// <summary>
    /// Full NATS.Net connection options, for authentication and TLS. Wins over <see cref="Url"/>.
    /// Ignored when <see cref="Connection"/> is set.
    /// </summary>
    public NatsOpts? NatsOpts { get; set; }

    /// <summary>
    /// An existing connection to share with the rest of the app. The provider never disposes it.
    /// </summary>
    public INatsConnection? Connection { get; set; }

    /// <summary>
    /// Loads only keys under <c>KeyPrefix.</c> (a NATS key prefix such as <c>myapp</c> or <c>myapp.prod</c>),
    /// watched server-side as <c>KeyPrefix.&gt;</c>; the prefix is removed from the configuration paths.
    /// </summary>
    public string? KeyPrefix { get; set; }

    /// <summary>
    /// When <see langword="true"/>, an unreachable server or a missing bucket does not fail start-up:
    /// configuration starts empty and loads in the background as soon as the bucket is reachable.
    /// </summary>
    public bool Optional { get; set; }

    /// <summary>Whether changes in the bucket are applied live and raise a reload. Defaults to <see langword="true"/>.</summary>
    public bool ReloadOnChange { get; set; } = true;

    /// <summary>
    /// How long to wait after a change before applying it, so that a burst of changes raises one reload.
    /// Zero (the default) applies a change as soon as it arrives, together with every change already pending.
    /// </summary>
    public TimeSpan ReloadDelay { get; set; } = TimeSpan.Zero;

    /// <summary>How long <c>Build()</c> may wait for the initial state. Defaults to 10 seconds.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether a value that is a JSON object or array expands into child configuration paths.
    /// Defaults to <see langword="true"/>.
    /// </summary>
    public bool ExpandJsonValues { get; set; } = true;

    /// <summary>
    /// How much one JSON value may expand into (paths, length of a path, characters in all, and relative to its own
    /// length). A value over a limit is kept as one plain string, with warning 2005 naming its key, its revision and
    /// the limit; the rest of the bucket applies as usual. Defaults to <see cref="JsonExpansionLimits.Default"/>.
    /// </summary>
    public JsonExpansionLimits JsonExpansionLimits { get; set; } = JsonExpansionLimits.Default;

    /// <summary>
    /// Called when the initial load has failed for good: <see cref="StartupTimeout"/> ran out, or a failure that
    /// retrying cannot fix (credentials, a TLS handshake or a permission refused) happened; never at the first
    /// refused connection. Set <see cref="NatsKvLoadExceptionContext.Ignore"/> to start with empty configuration
    /// (and keep loading in the background) instead of throwing.
    /// </summary>
    public Action<NatsKvLoadExceptionContext>? OnLoadException { get; set; }

    /// <summary>
    /// Called when the watch fails; returns how long to wait before the next attempt. The default backs off
    /// exponentially from 100 ms to 10 seconds.
    /// </summary>
    public Func<NatsKvWatchExceptionContext, TimeSpan>? OnWatchException { get; set; }

    /// <summary>
    /// A NATS key (under <see cref="KeyPrefix"/>, like every key the source reads) whose change releases
    /// a change set: once the initial state is loaded, changes to other keys are held back and applied together with
    /// the next change of this key, as one batch with one reload. Writers change the other keys first and the
    /// sentinel last. <see langword="null"/> (the default) applies every change as it arrives.
    /// </summary>
    public string? SentinelKey { get; set; }

    /// <summary>
    /// A file to keep the last-known-good configuration in, or <see langword="null"/> (the default) for none.
    /// After changes are applied the provider writes the state there in the background (atomically, at most
    /// about once a second, readable only by the owner on Unix: values may be secrets). At start-up it restores
    /// that state and reads only the changes since over the network; when the bucket cannot be reached within
    /// <see cref="StartupTimeout"/>, it serves the snapshot (even when not <see cref="Optional"/>) and keeps trying.
    /// A snapshot that is missing, corrupt, or from another bucket, prefix or setting is ignored with a warning.
    /// </summary>
    public string? SnapshotPath { get; set; }

    /// <summary>
    /// Creates the <c>NatsKvConfig</c> meter the provider's metrics are recorded on (see docs/monitoring.md).
    /// Providers are built before dependency injection exists; without a factory the provider owns its meter,
    /// which <c>MeterListener</c>s and OpenTelemetry's <c>AddMeter("NatsKvConfig")</c> see all the same.
    /// </summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>Where the provider logs. Providers are built before dependency injection exists, so it is set here.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// How often an idle watch checks the bucket is still there and that nothing was missed. Internal: tests
    /// shorten it; the default suits production.
    /// </summary>
    internal TimeSpan WatchProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The least time between two snapshot writes. Internal: tests shorten it.</summary>
    internal TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new NatsKvConfigurationProvider(this);

    /// <summary>Checks the settings and says which one is wrong.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Bucket))
        {
            throw new InvalidOperationException($"{nameof(NatsKvConfigurationSource)}.{nameof(Bucket)} must be set to the name of a NATS KV bucket.");
        }

        if (!IsValidBucketName(Bucket))
        {
            throw new InvalidOperationException($"'{Bucket}' is not a valid NATS KV bucket name: use only A-Z a-z 0-9 - _.");
        }

        if (KeyPrefix is { } prefix && (prefix.Length == 0 || !NatsKvKeyMapper.IsValidKey(prefix)))
        {
            throw new InvalidOperationException($"KeyPrefix '{prefix}' is not a valid NATS key prefix: use tokens of {NatsKvKeyMapper.AllowedKeyCharacters}, separated by single dots.");
        }

        if (JsonExpansionLimits is null)
        {
            throw new InvalidOperationException($"{nameof(JsonExpansionLimits)} cannot be null: leave it at {nameof(NatsKvConfig.JsonExpansionLimits)}.{nameof(NatsKvConfig.JsonExpansionLimits.Default)}, or set limits of your own.");
        }

        if (StartupTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{nameof(StartupTimeout)} must be positive; it is {StartupTimeout}.");
        }

        if (ReloadDelay < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{nameof(ReloadDelay)} cannot be negative; it is {ReloadDelay}.");
        }

        if (SentinelKey is { } sentinelKey && !NatsKvKeyMapper.IsValidKey(sentinelKey))
        {
            throw new InvalidOperationException($"{nameof(SentinelKey)} '{sentinelKey}' is not a valid NATS key: use tokens of {NatsKvKeyMapper.AllowedKeyCharacters}, separated by single dots (a key under {nameof(KeyPrefix)}, without the prefix).");
        }

        if (SnapshotPath is { } snapshotPath && (string.IsNullOrWhiteSpace(snapshotPath) || snapshotPath.IndexOfAny(Path.GetInvalidPathChars()) >= 0 || Directory.Exists(snapshotPath)))
        {
            throw new InvalidOperationException($"{nameof(SnapshotPath)} '{snapshotPath}' is not a usable file path: give the path of a file (its directory is created if missing), or null for no snapshot.");
        }
    }

    private static bool IsValidBucketName(string name)
    {
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
            {
                return false;
            }
        }

        return true;
    }
}
