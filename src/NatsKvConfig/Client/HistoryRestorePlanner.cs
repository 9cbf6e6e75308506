namespace NatsKvConfig;

/// <summary>
/// Works out the changes that set keys back to their state at a point in history: each key's value then, or
/// deleted if it did not exist then. Refuses when the history kept no longer tells what a key held then.
/// </summary>
internal static class HistoryRestorePlanner
{
    /// <summary>
    /// Plans the restore of every key in <paramref name="history"/> (all kept entries of the keys concerned,
    /// relative to the key prefix) to <paramref name="point"/>.
    /// </summary>
    /// <exception cref="NatsKvHistoryLimitException">The value of some key at the point is no longer kept.</exception>
    /// <exception cref="NatsKvConfigNotFoundException">The point is a revision newer than the bucket's last.</exception>
    public static (List<NatsKvConfigChange> Changes, int Unchanged) Plan(
        string bucket,
        IEnumerable<NatsKvConfigEntry> history,
        NatsKvHistoryPoint point,
        HistoryLimits limits,
        string? sentinelKey)
    {
        if (point.Revision is { } revision && revision > limits.LastRevision)
        {
            throw NatsKvConfigNotFoundException.RevisionAfterLast(bucket, null, revision, limits.LastRevision);
        }

        // Entries removed for age or size leave no trace per key: a point before the oldest kept entry cannot be restored.
        if (limits.RemovesOldEntries && limits.FirstRevision > 1 && !point.Includes(limits.FirstRevision, limits.FirstTime))
        {
            throw new NatsKvHistoryLimitException(bucket, null, point, limits.FirstRevision, limits.HistoryDepth, "the bucket removes entries by age or size, and keeps nothing that old");
        }

        var changes = new List<NatsKvConfigChange>();
        var unchanged = 0;
        foreach (var keyHistory in history.GroupBy(e => e.Key, StringComparer.Ordinal))
        {
            if (sentinelKey is not null && string.Equals(keyHistory.Key, sentinelKey, StringComparison.Ordinal))
            {
                continue;
            }

            var entries = keyHistory.OrderBy(e => e.Revision).ToList();
            var current = entries[^1];
            var then = entries.LastOrDefault(e => point.Includes(e.Revision, e.Created));
            if (then is null)
            {
                // No kept entry that old: the key did not exist then, unless its older entries were removed.
                var oldest = entries[0];
                if (oldest.Operation == NatsKvConfigOperation.Purge)
                {
                    throw new NatsKvHistoryLimitException(bucket, keyHistory.Key, point, oldest.Revision, limits.HistoryDepth, $"the key was purged at revision {oldest.Revision}, which removed its earlier values");
                }

                if (entries.Count >= limits.HistoryDepth)
                {
                    throw new NatsKvHistoryLimitException(bucket, keyHistory.Key, point, oldest.Revision, limits.HistoryDepth, "the key has changed more often since than the bucket keeps values");
                }
            }

            var change = ChangeTo(keyHistory.Key, current, then);
            if (change is not null)
            {
                changes.Add(change);
            }
            else if (current.IsLive)
            {
                unchanged++;
            }
        }

        changes.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return (changes, unchanged);
    }

    private static NatsKvConfigChange? ChangeTo(string key, NatsKvConfigEntry current, NatsKvConfigEntry? then)
    {
        if (then is { IsLive: true })
        {
            if (!current.IsLive)
            {
                return new NatsKvConfigChange(NatsKvConfigChangeKind.Add, key, null, then.RawValue, current.Revision);
            }

            return current.RawValue.AsSpan().SequenceEqual(then.RawValue)
                ? null
                : new NatsKvConfigChange(NatsKvConfigChangeKind.Update, key, current.Value, then.RawValue, current.Revision);
        }

        return current.IsLive ? new NatsKvConfigChange(NatsKvConfigChangeKind.Delete, key, current.Value, null, current.Revision) : null;
    }
}
