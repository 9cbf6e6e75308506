namespace NatsKvConfig;

/// <summary>
/// Where a snapshot's entries go as they are read (<see cref="SnapshotFile.TryReadEntries{TSink}"/>): straight into
/// the state being restored, with no list of 100,000 entries made first only to be walked once and dropped.
/// </summary>
internal interface ISnapshotEntrySink
{
    /// <summary>Takes the next entry, in the file's order.</summary>
    void Accept(in SnapshotEntry entry);
}
