using System.Diagnostics.Metrics;

namespace NatsKvConfig;

/// <summary>
/// The provider's instruments on the <c>NatsKvConfig</c> meter, tagged with the bucket. Names, units and
/// instrument kinds follow the OpenTelemetry conventions (durations in seconds, counts in curly-brace units).
/// </summary>
/// <remarks>
/// Providers are built before dependency injection exists, so the meter comes from
/// <see cref="NatsKvConfigurationSource.MeterFactory"/> when set, else it is the provider's own and is disposed
/// with it. Recording costs next to nothing while nobody listens.
/// </remarks>
internal sealed class NatsKvConfigMetrics : IDisposable
{
    public const string MeterName = "NatsKvConfig";
    public const string BucketTag = "natskvconfig.bucket";

    private readonly Meter? _ownedMeter;
    private readonly KeyValuePair<string, object?> _bucket;
    private readonly Counter<long> _reloads;
    private readonly Counter<long> _changesApplied;
    private readonly Counter<long> _entriesSkipped;
    private readonly Counter<long> _watchRestarts;
    private readonly Histogram<double> _loadDuration;
    private readonly Histogram<double> _changeLag;

    /// <param name="meterFactory">Creates the meter; <see langword="null"/> for a meter owned by this instance.</param>
    /// <param name="bucket">The bucket every measurement is tagged with.</param>
    /// <param name="appliedRevision">Reads the applied revision, for the observable gauge.</param>
    /// <param name="keyCount">Reads how many keys have values.</param>
    /// <param name="bucketBytes">Reads the bucket's size in bytes as last seen, or null before it was seen.</param>
    public NatsKvConfigMetrics(IMeterFactory? meterFactory, string bucket, Func<ulong> appliedRevision, Func<int> keyCount, Func<long?> bucketBytes)
    {
        var meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? (_ownedMeter = new Meter(MeterName));
        _bucket = new KeyValuePair<string, object?>(BucketTag, bucket);
        _reloads = meter.CreateCounter<long>("natskvconfig.reloads", "{reload}", "Reloads raised: one per applied batch that changed the configuration.");
        _changesApplied = meter.CreateCounter<long>("natskvconfig.changes.applied", "{change}", "KV entries applied to the configuration (puts, deletes and purges).");
        _entriesSkipped = meter.CreateCounter<long>("natskvconfig.entries.skipped", "{entry}", "KV entries skipped as malformed (key not mappable, value not UTF-8).");
        _watchRestarts = meter.CreateCounter<long>("natskvconfig.watch.restarts", "{restart}", "Times the bucket's watch was started again (after a failure, a reconnect, a stall or a replaced bucket).");
        _loadDuration = meter.CreateHistogram<double>("natskvconfig.load.duration", "s", "Time to load the bucket's initial state (or to catch up from the snapshot).");
        _changeLag = meter.CreateHistogram<double>("natskvconfig.change.lag", "s", "Time from a live change's creation on the server to the reload that applied it.");
        var bucketTags = new[] { _bucket };
        meter.CreateObservableGauge("natskvconfig.revision", () => new Measurement<long>((long)appliedRevision(), bucketTags), "{revision}", "The highest bucket revision applied.");
        meter.CreateObservableGauge("natskvconfig.keys", () => new Measurement<long>(keyCount(), bucketTags), "{key}", "Keys of the bucket that currently have a value in the configuration.");
        meter.CreateObservableGauge(
            "natskvconfig.bucket.size",
            () => bucketBytes() is { } bytes ? [new Measurement<long>(bytes, bucketTags)] : Array.Empty<Measurement<long>>(),
            "By",
            "The bucket's stream size in bytes, as last reported by the server (refreshed at each watch start and every few seconds while idle).");
    }

    public void Reloaded() => _reloads.Add(1, _bucket);

    public void ChangesApplied(int count)
    {
        if (count > 0)
        {
            _changesApplied.Add(count, _bucket);
        }
    }

    public void EntrySkipped(string reason) =>
        _entriesSkipped.Add(1, _bucket, new KeyValuePair<string, object?>("natskvconfig.reason", reason));

    public void WatchRestarted() => _watchRestarts.Add(1, _bucket);

    public void Loaded(TimeSpan duration) => _loadDuration.Record(duration.TotalSeconds, _bucket);

    /// <summary>Records the lag of each change, measured when its reload is raised; skipped while nobody listens.</summary>
    public void ChangesReloaded(IReadOnlyList<KvChange> changes, DateTimeOffset now)
    {
        if (!_changeLag.Enabled)
        {
            return;
        }

        foreach (var change in changes)
        {
            _changeLag.Record(Math.Max(0, (now - change.Created).TotalSeconds), _bucket);
        }
    }

    public void Dispose() => _ownedMeter?.Dispose();
}
