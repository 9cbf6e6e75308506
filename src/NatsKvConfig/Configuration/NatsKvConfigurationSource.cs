using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using NATS.Client.Core;

namespace NatsKvConfig;

/// <summary>
/// Describes a NATS JetStream Key-Value bucket to read configuration from, and how to watch it.
/// Add it with <c>builder.Configuration.AddNatsKv(...)</c>.
/// </summary>
/// <remarks>
/// The bucket, the server and the keys are set as for the client (<see cref="NatsKvSettings"/>); what is here is the
/// provider's own: a shared connection, start-up, reloads, the snapshot and metrics.
/// </remarks>
public sealed class NatsKvConfigurationSource : NatsKvSettings, IConfigurationSource
{
    /// <summary>
    /// An existing connection to share with the rest of the app; <see cref="NatsKvSettings.Url"/> and
    /// <see cref="NatsKvSettings.NatsOpts"/> are then not used. The provider never disposes it.
    /// </summary>
    public INatsConnection? Connection { get; set; }

    /// <summary>
    /// The name of a connection string to take the server from: <c>ConnectionStrings:{name}</c> (as an Aspire AppHost's
    /// <c>WithReference</c> sets it, in the variable <c>ConnectionStrings__{name}</c>) of the configuration built
    /// before this source, holding a NATS URL (<c>nats://host:4222</c>, <c>nats://user:password@host:4222</c>) or a
    /// comma-separated list of them. <see langword="null"/> (the default) for none. An explicitly set
    /// <see cref="NatsKvSettings.Url"/>, <see cref="NatsKvSettings.NatsOpts"/> or <see cref="Connection"/> wins over
    /// it; the connection string wins over <c>NATS_URL</c>. When it is missing, building the configuration throws an
    /// <see cref="InvalidOperationException"/> naming the key looked up.
    /// </summary>
    public string? ConnectionName { get; set; }

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
    /// A file to keep the last-known-good configuration in, or <see langword="null"/> (the default) for none.
    /// After changes are applied the provider writes the state there in the background (atomically, at most
    /// about once a second, readable only by the owner on Unix: values may be secrets; a folder it creates is
    /// 0700). At start-up it restores that state and reads the changes since over the network, then the bucket's
    /// full state, which replaces the snapshot's entirely; when the bucket cannot be reached within
    /// <see cref="StartupTimeout"/>, it serves the snapshot (even when not <see cref="Optional"/>) and keeps trying.
    /// A snapshot that is missing, corrupt, from another bucket, prefix or setting, or that may not be trusted
    /// (a symbolic link or not a regular file; on Unix, owned by another user or with permission bits for group or
    /// others; larger than <see cref="SnapshotMaxBytes"/>) is ignored with a warning.
    /// </summary>
    public string? SnapshotPath { get; set; }

    /// <summary>
    /// The largest snapshot file read at start-up, in bytes; a larger one is ignored with a warning. The default,
    /// 256 MiB, holds about a million keys of short values.
    /// </summary>
    public long SnapshotMaxBytes { get; set; } = SnapshotFile.DefaultMaxBytes;

    /// <summary>
    /// Creates the <c>NatsKvConfig</c> meter the provider's metrics are recorded on (see docs/monitoring.md).
    /// Providers are built before dependency injection exists; without a factory the provider owns its meter,
    /// which <c>MeterListener</c>s and OpenTelemetry's <c>AddMeter("NatsKvConfig")</c> see all the same.
    /// </summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>
    /// How often an idle watch checks the bucket is still there and that nothing was missed. Internal: tests
    /// shorten it; the default suits production.
    /// </summary>
    internal TimeSpan WatchProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The least time between two snapshot writes. Internal: tests shorten it.</summary>
    internal TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">
    /// <see cref="ConnectionName"/> is set, no server is set explicitly, and the configuration built before this source
    /// has no such connection string.
    /// </exception>
    public IConfigurationProvider Build(IConfigurationBuilder builder) =>
        new NatsKvConfigurationProvider(this, new PendingChanges(), beforeApply: null, NatsConnectionString.Resolve(this, builder));

    /// <summary>Checks the shared settings, then the source's own, and says which one is wrong.</summary>
    /// <param name="paramName">The caller's parameter that carried these settings, for <c>ParamName</c>.</param>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    internal override void Validate(string paramName)
    {
        base.Validate(paramName);

        if (StartupTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(StartupTimeout)} must be positive; it is {StartupTimeout}.", paramName);
        }

        if (ConnectionName is { } connectionName && string.IsNullOrWhiteSpace(connectionName))
        {
            throw new ArgumentException($"{nameof(ConnectionName)} cannot be blank: name a connection string (ConnectionStrings:<name>), or leave it null.", paramName);
        }

        if (ReloadDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(ReloadDelay)} cannot be negative; it is {ReloadDelay}.", paramName);
        }

        if (SnapshotPath is { } snapshotPath && (string.IsNullOrWhiteSpace(snapshotPath) || snapshotPath.IndexOfAny(Path.GetInvalidPathChars()) >= 0 || Directory.Exists(snapshotPath)))
        {
            throw new ArgumentException($"{nameof(SnapshotPath)} '{snapshotPath}' is not a usable file path: give the path of a file (its directory is created if missing), or null for no snapshot.", paramName);
        }

        if (SnapshotMaxBytes <= 0)
        {
            throw new ArgumentException($"{nameof(SnapshotMaxBytes)} must be positive; it is {SnapshotMaxBytes}.", paramName);
        }
    }
}
