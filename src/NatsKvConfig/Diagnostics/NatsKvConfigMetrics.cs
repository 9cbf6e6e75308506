using System.Diagnostics.Metrics;

namespace NatsKvConfig;

/// <summary>
/// The provider's instruments on the <c>NatsKvConfig</c> meter, tagged with the bucket. Names, units and
/// instrument kinds follow the OpenTelemetry conventions (durations in seconds, counts in curly-brace units).
/// </summary>
/// <remarks>
/// Providers are built before dependency injection exists, so the meter comes from
/// <see cref="NatsKvConfigurationSource.MeterFactory"/> when set, else it is the provider's own (disposed with it)
/// until the host's meter factory replaces it (<see cref="UseMeterFactory"/>, when the provider joins its host).
/// Recording costs next to nothing while nobody listens.
/// </remarks>
internal sealed class NatsKvConfigMetrics : IDisposable
{
    public const string MeterName = "NatsKvConfig";
    public const string BucketTag = "natskvconfig.bucket";

    private readonly object _gate = new();
    private readonly KeyValuePair<string, object?> _bucket;
    private readonly Func<ulong> _appliedRevision;
    private readonly Func<int> _keyCount;
    private readonly Func<long?> _bucketBytes;
    private readonly Func<bool> _connected;
    private readonly Func<bool> _caughtUp;

    // The meter this instance made itself (no factory given), disposed when the host's factory replaces it or with
    // this instance; null when the meter came from a factory.
    private Meter? _ownedMeter;

    // Replaced as a whole when the host's meter factory is connected: recording reads it once per measurement.
    private Instruments _instruments;

    // The initial load's duration in seconds as double bits, 0 before it: the gauge reports it to whoever
    // listens, however late (a host's OpenTelemetry pipeline starts after the first load).
    private long _lastLoadSecondsBits;

    /// <param name="meterFactory">Creates the meter; <see langword="null"/> for a meter owned by this instance.</param>
    /// <param name="bucket">The bucket every measurement is tagged with.</param>
    /// <param name="appliedRevision">Reads the applied revision, for the observable gauge.</param>
    /// <param name="keyCount">Reads how many keys have values.</param>
    /// <param name="bucketBytes">Reads the bucket's size in bytes as last seen, or null before it was seen.</param>
    /// <param name="connected">Reads whether the connection is open.</param>
    /// <param name="caughtUp">Reads whether the provider is loaded, connected and has applied all the bucket holds.</param>
    public NatsKvConfigMetrics(IMeterFactory? meterFactory, string bucket, Func<ulong> appliedRevision, Func<int> keyCount, Func<long?> bucketBytes, Func<bool> connected, Func<bool> caughtUp)
    {
        _bucket = new KeyValuePair<string, object?>(BucketTag, bucket);
        _appliedRevision = appliedRevision;
        _keyCount = keyCount;
        _bucketBytes = bucketBytes;
        _connected = connected;
        _caughtUp = caughtUp;
        var meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? (_ownedMeter = new Meter(MeterName));
        _instruments = new Instruments(this, meter);
    }

    /// <summary>
    /// Moves the instruments onto a meter of <paramref name="meterFactory"/> (the host's), when the meter is still this
    /// instance's own: counters go on from there; gauges report the current state whoever listens.
    /// </summary>
    /// <returns>Whether the meter was replaced; <see langword="false"/> when it already came from a factory.</returns>
    public bool UseMeterFactory(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        lock (_gate)
        {
            if (_ownedMeter is not { } owned)
            {
                return false;
            }

            Volatile.Write(ref _instruments, new Instruments(this, meterFactory.Create(new MeterOptions(MeterName))));
            _ownedMeter = null;
            owned.Dispose();
            return true;
        }
    }

    /// <summary>
    /// Bucket boundaries for durations from a millisecond to a minute. Without them, exporters fall back to
    /// OpenTelemetry's default boundaries (0, 5, 10, 25, … meant for milliseconds), which put every reload of
    /// a healthy app in the first bucket.
    /// </summary>
    internal static readonly double[] SecondsBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    public void Reloaded() => Volatile.Read(ref _instruments).Reloads.Add(1, _bucket);

    private static Histogram<double> CreateSecondsHistogram(Meter meter, string name, string description) =>
#if NET9_0_OR_GREATER
        meter.CreateHistogram(name, "s", description, tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBoundaries });
#else
        meter.CreateHistogram<double>(name, "s", description);
#endif

    public void ChangesApplied(int count)
    {
        if (count > 0)
        {
            Volatile.Read(ref _instruments).ChangesApplied.Add(count, _bucket);
        }
    }

    public void EntrySkipped(string reason) =>
        Volatile.Read(ref _instruments).EntriesSkipped.Add(1, _bucket, new KeyValuePair<string, object?>("natskvconfig.reason", reason));

    public void WatchRestarted() => Volatile.Read(ref _instruments).WatchRestarts.Add(1, _bucket);

    public void Loaded(TimeSpan duration)
    {
        Volatile.Read(ref _instruments).LoadDuration.Record(duration.TotalSeconds, _bucket);
        Interlocked.Exchange(ref _lastLoadSecondsBits, BitConverter.DoubleToInt64Bits(Math.Max(duration.TotalSeconds, double.Epsilon)));
    }

    /// <summary>Records the lag of each change, measured when its reload is raised; skipped while nobody listens.</summary>
    public void ChangesReloaded(IReadOnlyList<KvChange> changes, DateTimeOffset now)
    {
        var changeLag = Volatile.Read(ref _instruments).ChangeLag;
        if (!changeLag.Enabled)
        {
            return;
        }

        foreach (var change in changes)
        {
            changeLag.Record(Math.Max(0, (now - change.Created).TotalSeconds), _bucket);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _ownedMeter?.Dispose();
        }
    }

    /// <summary>The instruments on one meter; the observable ones read the provider through their owner.</summary>
    private sealed class Instruments
    {
        public Instruments(NatsKvConfigMetrics owner, Meter meter)
        {
            Reloads = meter.CreateCounter<long>("natskvconfig.reloads", "{reload}", "Reloads raised: one per applied batch that changed the configuration.");
            ChangesApplied = meter.CreateCounter<long>("natskvconfig.changes.applied", "{change}", "KV entries applied to the configuration (puts, deletes and purges).");
            EntriesSkipped = meter.CreateCounter<long>("natskvconfig.entries.skipped", "{entry}", "KV entries skipped as malformed (key not mappable, value not UTF-8).");
            WatchRestarts = meter.CreateCounter<long>("natskvconfig.watch.restarts", "{restart}", "Times the bucket's watch was started again (after a failure, a reconnect, a stall or a replaced bucket).");
            LoadDuration = CreateSecondsHistogram(meter, "natskvconfig.load.duration", "Time to load the bucket's initial state (or to catch up from the snapshot).");
            ChangeLag = CreateSecondsHistogram(meter, "natskvconfig.change.lag", "Time from a live change's creation on the server to the reload that applied it.");
            var bucketTags = new[] { owner._bucket };
            meter.CreateObservableGauge("natskvconfig.revision", () => new Measurement<long>((long)owner._appliedRevision(), bucketTags), "{revision}", "The highest bucket revision applied.");
            meter.CreateObservableGauge("natskvconfig.keys", () => new Measurement<long>(owner._keyCount(), bucketTags), "{key}", "Keys of the bucket that currently have a value in the configuration.");
            meter.CreateObservableGauge(
                "natskvconfig.initial_load.duration",
                () => Interlocked.Read(ref owner._lastLoadSecondsBits) is var bits and not 0 ? [new Measurement<double>(BitConverter.Int64BitsToDouble(bits), bucketTags)] : Array.Empty<Measurement<double>>(),
                "s",
                "Time the initial load took (or the catch-up from the snapshot), reported from then on: unlike load.duration, seen by listeners that start after the load.");
            meter.CreateObservableGauge("natskvconfig.connected", () => new Measurement<int>(owner._connected() ? 1 : 0, bucketTags), "{state}", "1 while the provider's connection to NATS is open, else 0.");
            meter.CreateObservableGauge(
                "natskvconfig.caught_up",
                () => new Measurement<int>(owner._caughtUp() ? 1 : 0, bucketTags),
                "{state}",
                "1 while the provider is loaded, connected and has applied everything the bucket holds; 0 while it is disconnected, serving its snapshot, catching up or not loaded (the health check's Degraded and Unhealthy, short of options validation).");
            meter.CreateObservableGauge(
                "natskvconfig.bucket.size",
                () => owner._bucketBytes() is { } bytes ? [new Measurement<long>(bytes, bucketTags)] : Array.Empty<Measurement<long>>(),
                "By",
                "The bucket's stream size in bytes, as last reported by the server (refreshed at each watch start and every few seconds while idle).");
        }

        public Counter<long> Reloads { get; }

        public Counter<long> ChangesApplied { get; }

        public Counter<long> EntriesSkipped { get; }

        public Counter<long> WatchRestarts { get; }

        public Histogram<double> LoadDuration { get; }

        public Histogram<double> ChangeLag { get; }
    }
}
