namespace NatsKvConfig;

/// <summary>
/// What a provider holds: the projection of the bucket, a full state being staged beside it, and the view readers
/// see. Batches go through <see cref="Apply"/> on the apply loop; readers take <see cref="View"/> with one volatile
/// read and never wait. Every view published is a whole state: a full state shows only once complete, and a batch
/// of live changes as one.
/// </summary>
internal sealed class ConfigurationState
{
    // How JSON values expand (null: not at all).
    private readonly JsonExpansionLimits? _jsonExpansion;

    // Taken by whatever replaces the view (the apply loop, Set, a restore) and by the snapshot writer's capture.
    private readonly object _writeLock = new();
    private BucketProjection _projection;

    // A full state being read, staged as it streams in and published when complete. Only the apply loop uses these.
    private BucketProjection? _staging;
    private int _stagingGeneration;
    private volatile ConfigurationView _view = ConfigurationView.Empty;
    private long _revision;

    public ConfigurationState(JsonExpansionLimits? jsonExpansion)
    {
        _jsonExpansion = jsonExpansion;
        _projection = new BucketProjection(jsonExpansion);
    }

    /// <summary>What readers see now.</summary>
    public ConfigurationView View => _view;

    /// <summary>The highest bucket revision applied.</summary>
    public ulong Revision => (ulong)Interlocked.Read(ref _revision);

    /// <summary>How many keys have a value.</summary>
    public int LiveKeyCount => _projection.LiveKeyCount;

    /// <summary>Sets a value in this process only (<c>configuration[key] = value</c>).</summary>
    public void SetLocal(string key, string? value)
    {
        lock (_writeLock)
        {
            _view = _view.With([new KeyValuePair<string, string?>(key, value)], [], local: true);
        }
    }

    /// <summary>Drops a full state being staged: applying failed, and the state will be read again.</summary>
    public void DropStaging() => _staging = null;

    /// <summary>
    /// Applies <paramref name="batch"/>: stages a part of a full state, publishes a full state once complete, or
    /// applies live changes (and a prune) to the view. Warnings about entries go to <paramref name="warnings"/>.
    /// </summary>
    public AppliedBatch Apply(PendingBatch batch, List<ProjectionWarning> warnings)
    {
        if (batch.Part != FullStatePart.None)
        {
            if (_staging is null || _stagingGeneration != batch.Generation)
            {
                if (!batch.StartsFullState)
                {
                    // Its earlier parts were dropped with a failed apply: this state is incomplete, and must never
                    // be published. The full read asked for then (again, by the caller) brings a complete one.
                    return AppliedBatch.Incomplete;
                }

                _staging = new BucketProjection(_jsonExpansion, batch.FullStateSize) { StreamCreated = batch.StreamCreated };
                _stagingGeneration = batch.Generation;
            }

            _staging.Stage(batch.Changes, warnings);
            if (batch.Part == FullStatePart.Partial)
            {
                return AppliedBatch.Staged;
            }
        }

        lock (_writeLock)
        {
            var previous = _view;
            var lostKeys = 0;
            if (batch.Part == FullStatePart.Final)
            {
                _projection = _staging!;
                _staging = null;
                _view = _projection.BuildView();
            }
            else
            {
                _view = _projection.Apply(batch.Changes, previous, warnings);
                if (batch.PruneBelow > 0)
                {
                    _view = _projection.Prune(batch.PruneBelow, batch.HeldKeys, _view, out lostKeys);
                }
            }

            Interlocked.Exchange(ref _revision, (long)_projection.Revision);
            return new AppliedBatch(AppliedBatchKind.Published, !ReferenceEquals(previous, _view), lostKeys);
        }
    }

    /// <summary>
    /// Makes a projection restored from a snapshot (<see cref="BucketProjection.BeginRestore"/>) the configuration at
    /// once, before the apply loop starts.
    /// </summary>
    public void Restore(BucketProjection projection)
    {
        lock (_writeLock)
        {
            _projection = projection;
            _view = projection.BuildView();
            Interlocked.Exchange(ref _revision, (long)projection.Revision);
        }
    }

    /// <summary>The applied state, taken consistently with the apply loop, for the snapshot writer.</summary>
    public ConfigurationSnapshot Capture(string bucket, string keyPrefix)
    {
        lock (_writeLock)
        {
            return new ConfigurationSnapshot(bucket, keyPrefix, _jsonExpansion, _projection.StreamCreated, _projection.Revision, DateTimeOffset.UtcNow, _projection.Export());
        }
    }
}
