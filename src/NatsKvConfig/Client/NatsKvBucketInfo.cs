namespace NatsKvConfig;

/// <summary>A bucket's settings and state, as the server reports them.</summary>
public sealed class NatsKvBucketInfo
{
    private IReadOnlyList<NatsKvBucketSettingDifference> _differences = [];

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

    /// <summary>
    /// The bucket this one mirrors (an edge site's read-only copy, whose writes go to that origin), or
    /// <see langword="null"/> for an ordinary bucket.
    /// </summary>
    public string? MirrorOf { get; init; }

    /// <summary>The JetStream domain of <see cref="MirrorOf"/> when the mirror reaches it through one (such as <c>hub</c>); otherwise <see langword="null"/>.</summary>
    public string? MirrorDomain { get; init; }

    /// <summary>
    /// For a mirror, how many of the origin's entries it had not copied yet when the server last heard from the
    /// origin (0 when it was up to date); <see langword="null"/> for an ordinary bucket.
    /// </summary>
    public long? MirrorLag { get; init; }

    /// <summary>When the bucket was created.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>
    /// The settings asked of <see cref="NatsKvConfigClient.EnsureBucketAsync"/> that the bucket, which existed
    /// already, has otherwise: it was left as it is (change it with <see cref="NatsKvConfigClient.UpdateBucketAsync"/>).
    /// Empty when the bucket has the settings asked for, was just created, or the info comes from any other call.
    /// </summary>
    public IReadOnlyList<NatsKvBucketSettingDifference> Differences
    {
        get => _differences;
        init => _differences = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>A copy of this info with <paramref name="differences"/>.</summary>
    internal NatsKvBucketInfo WithDifferences(IReadOnlyList<NatsKvBucketSettingDifference> differences)
    {
        var copy = (NatsKvBucketInfo)MemberwiseClone();
        copy._differences = differences;
        return copy;
    }

    /// <summary>The bucket's name, history and revision, and what it mirrors.</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => MirrorOf is null
        ? $"{Bucket} (history {History}, revision {LastRevision})"
        : $"{Bucket} (mirror of {MirrorOf}{(MirrorDomain is null ? string.Empty : " in domain " + MirrorDomain)}, history {History}, revision {LastRevision})";
}
