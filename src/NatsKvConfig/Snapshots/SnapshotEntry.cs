namespace NatsKvConfig;

/// <summary>What one KV key contributed to the configuration when the snapshot was taken.</summary>
/// <param name="Key">The KV key, with the source's key prefix removed.</param>
/// <param name="Revision">The revision of the key's value.</param>
/// <param name="Outputs">The configuration paths and values the key produced (several for an expanded JSON value).</param>
internal readonly record struct SnapshotEntry(string Key, ulong Revision, KeyValuePair<string, string?>[] Outputs);
