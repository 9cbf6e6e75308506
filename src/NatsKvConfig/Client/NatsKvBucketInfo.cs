namespace NatsKvConfig;

/// <summary>A bucket's settings and state, as the server reports them.</summary>
public sealed class NatsKvBucketInfo
{
    internal NatsKvBucketInfo(string bucket)
    {
        Bucket = bucket;
    }

    /// <summary>The bucket's name.</summary>
    public string Bucket { get; }

    /// <summary>An optional description.</summary>
    public string? Description { get; init; }

    /// <summary>How many values each key keeps, the current one included.</summary>
    public int History { get; init; }

    /// <summary>How long entries are kept, or <see cref="TimeSpan.Zero"/> for no limit.</summary>
    public TimeSpan MaxAge { get; init; }

    /// <summary>How many servers keep a copy.</summary>
    public int Replicas { get; init; }

    /// <summary>The size limit in bytes, or -1 for none.</summary>
    public long MaxBytes { get; init; }

    /// <summary>File or memory storage.</summary>
    public NatsKvBucketStorage Storage { get; init; }

    /// <summary>How many entries the bucket holds, history and delete markers included.</summary>
    public long Entries { get; init; }

    /// <summary>How many keys have at least one entry kept, deleted keys with their markers included.</summary>
    public long Keys { get; init; }

    /// <summary>The bytes the bucket's entries take.</summary>
    public long Bytes { get; init; }

    /// <summary>The oldest revision the bucket still holds (0 when empty).</summary>
    public ulong FirstRevision { get; init; }

    /// <summary>The newest revision written to the bucket (0 when nothing ever was).</summary>
    public ulong LastRevision { get; init; }

    /// <summary>When the bucket was created.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>The bucket's name, history and revision.</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => $"{Bucket} (history {History}, revision {LastRevision})";
}
