namespace NatsKvConfig;

/// <summary>
/// Works out the changes that take the keys of a section from what they hold to what is wanted, writing only
/// what differs.
/// </summary>
internal static class ChangePlanner
{
    /// <summary>
    /// Plans writes of <paramref name="wanted"/> (keys relative to the key prefix, and their exact bytes) over
    /// <paramref name="current"/> (each key's latest entry, delete markers included). With
    /// <paramref name="removeMissing"/>, keys of the current state that are not wanted are deleted. The sentinel key is
    /// never planned: the client bumps it after everything else. Keys in <paramref name="held"/> (which hold a wanted
    /// path under another spelling) are never deleted.
    /// </summary>
    public static (List<NatsKvConfigChange> Changes, int Unchanged) Plan(
        IReadOnlyDictionary<string, NatsKvConfigEntry> current,
        IReadOnlyDictionary<string, byte[]> wanted,
        bool removeMissing,
        string? sentinelKey,
        IReadOnlySet<string>? held = null)
    {
        var changes = new List<NatsKvConfigChange>();
        var unchanged = 0;
        foreach (var (key, value) in wanted)
        {
            if (IsSentinel(key, sentinelKey))
            {
                continue;
            }

            if (!current.TryGetValue(key, out var entry))
            {
                changes.Add(new NatsKvConfigChange(NatsKvConfigChangeKind.Add, key, null, value, 0));
            }
            else if (!entry.IsLive)
            {
                changes.Add(new NatsKvConfigChange(NatsKvConfigChangeKind.Add, key, null, value, entry.Revision));
            }
            else if (entry.RawValue.AsSpan().SequenceEqual(value))
            {
                unchanged++;
            }
            else
            {
                changes.Add(new NatsKvConfigChange(NatsKvConfigChangeKind.Update, key, entry.Value, value, entry.Revision));
            }
        }

        if (removeMissing)
        {
            foreach (var (key, entry) in current)
            {
                if (entry.IsLive && !wanted.ContainsKey(key) && held?.Contains(key) != true && !IsSentinel(key, sentinelKey))
                {
                    changes.Add(new NatsKvConfigChange(NatsKvConfigChangeKind.Delete, key, entry.Value, null, entry.Revision));
                }
            }
        }

        changes.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return (changes, unchanged);
    }

    private static bool IsSentinel(string key, string? sentinelKey) => sentinelKey is not null && string.Equals(key, sentinelKey, StringComparison.Ordinal);
}
