namespace NatsKvConfig;

/// <summary>
/// The last-known-good state of a bucket as a provider applied it: enough to serve configuration without the
/// server, and to resume the watch right after <see cref="Revision"/> once the server is back.
/// </summary>
/// <param name="Bucket">The bucket the state came from.</param>
/// <param name="KeyPrefix">The key prefix the source read under, or empty.</param>
/// <param name="JsonExpansion">The limits JSON values were expanded within, or <see langword="null"/> when they were
/// kept as plain strings: the outputs depend on it.</param>
/// <param name="StreamCreated">When the bucket's stream was created: a different time means another bucket under the same name.</param>
/// <param name="Revision">The highest revision the state includes.</param>
/// <param name="WrittenAt">When the snapshot was written.</param>
/// <param name="Entries">Every key with a value, and what it produced.</param>
internal sealed record ConfigurationSnapshot(
    string Bucket,
    string KeyPrefix,
    JsonExpansionLimits? JsonExpansion,
    DateTimeOffset StreamCreated,
    ulong Revision,
    DateTimeOffset WrittenAt,
    IReadOnlyList<SnapshotEntry> Entries)
{
    /// <summary>How many keys have a value: the entries that produced a path.</summary>
    public int LiveKeyCount => Entries.Count(entry => entry.OutputCount > 0);
}
