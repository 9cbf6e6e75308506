namespace NatsKvConfig;

/// <summary>
/// A snapshot file read whole, its checksum checked and its header parsed; its entries not yet
/// (<see cref="SnapshotFile.TryReadEntries{TSink}"/>). The header says where the watch resumes, so the watch can start
/// while the entries are parsed.
/// </summary>
internal sealed class OpenedSnapshot
{
    private readonly byte[] _bytes;

    internal OpenedSnapshot(
        string bucket,
        string keyPrefix,
        JsonExpansionLimits? jsonExpansion,
        DateTimeOffset streamCreated,
        ulong revision,
        DateTimeOffset writtenAt,
        int? liveKeyCount,
        int entryCount,
        byte[] bytes,
        Range entries,
        int version)
    {
        Bucket = bucket;
        KeyPrefix = keyPrefix;
        JsonExpansion = jsonExpansion;
        StreamCreated = streamCreated;
        Revision = revision;
        WrittenAt = writtenAt;
        LiveKeyCount = liveKeyCount;
        EntryCount = entryCount;
        _bytes = bytes;
        Entries = entries;
        Version = version;
    }

    /// <summary>The bucket the state came from.</summary>
    public string Bucket { get; }

    /// <summary>The key prefix the source read under, or empty.</summary>
    public string KeyPrefix { get; }

    /// <summary>The limits JSON values were expanded within, or null when they were kept as plain strings.</summary>
    public JsonExpansionLimits? JsonExpansion { get; }

    /// <summary>When the bucket's stream was created.</summary>
    public DateTimeOffset StreamCreated { get; }

    /// <summary>The highest revision the state includes: the watch resumes after it.</summary>
    public ulong Revision { get; }

    /// <summary>When the snapshot was written.</summary>
    public DateTimeOffset WrittenAt { get; }

    /// <summary>How many keys have a value in it; null in files of a format before 4, which did not record it.</summary>
    public int? LiveKeyCount { get; }

    /// <summary>How many entries the file holds.</summary>
    public int EntryCount { get; }

    /// <summary>Where the entries lie in <see cref="Bytes"/>.</summary>
    internal Range Entries { get; }

    /// <summary>The file's format version, which says how its entries are encoded.</summary>
    internal int Version { get; }

    /// <summary>The whole file as read.</summary>
    internal ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Whether this snapshot was taken by a source reading the same data the same way.</summary>
    public bool Matches(string bucket, string keyPrefix, JsonExpansionLimits? jsonExpansion) =>
        string.Equals(Bucket, bucket, StringComparison.Ordinal)
        && string.Equals(KeyPrefix, keyPrefix, StringComparison.Ordinal)
        && Equals(JsonExpansion, jsonExpansion);
}
