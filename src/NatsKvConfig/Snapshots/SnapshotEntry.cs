namespace NatsKvConfig;

/// <summary>What one KV key contributed to the configuration when the snapshot was taken.</summary>
/// <remarks>
/// Most keys are plain: their one path is the key with ':' for '.', holding the key's value as one string. Such an
/// entry (<see cref="IsPlain"/>) holds only that path and value, neither a key string nor an array of outputs, so
/// a snapshot of 100,000 keys is written and restored without 200,000 objects made only to be thrown away. Its
/// <see cref="Key"/> and <see cref="Outputs"/> are made on each access.
/// </remarks>
internal readonly struct SnapshotEntry
{
    // The key, or null for a plain entry, whose key is its path with '.' for ':'.
    private readonly string? _key;

    // A plain entry's one path and value; the outputs of any other.
    private readonly string? _plainPath;
    private readonly string? _plainValue;
    private readonly KeyValuePair<string, string?>[]? _outputs;

    /// <param name="key">The KV key, with the source's key prefix removed.</param>
    /// <param name="revision">The revision of the key's value.</param>
    /// <param name="outputs">The configuration paths and values the key produced (several for an expanded JSON value).</param>
    public SnapshotEntry(string key, ulong revision, KeyValuePair<string, string?>[] outputs)
    {
        _key = key;
        Revision = revision;
        _outputs = outputs;
    }

    private SnapshotEntry(string path, string? value, ulong revision)
    {
        _plainPath = path;
        _plainValue = value;
        Revision = revision;
    }

    /// <summary>A plain key's entry: <paramref name="path"/> is the key with ':' for '.', and the key's only output.</summary>
    public static SnapshotEntry Plain(string path, string? value, ulong revision) => new(path, value, revision);

    /// <summary>Whether this is a plain key's entry (see the type's remarks).</summary>
    public bool IsPlain => _key is null;

    /// <summary>The KV key, with the source's key prefix removed (made anew for a plain entry).</summary>
    public string Key => _key ?? _plainPath!.Replace(':', '.');

    /// <summary>The revision of the key's value.</summary>
    public ulong Revision { get; }

    /// <summary>A plain entry's path; null for any other.</summary>
    public string? PlainPath => _plainPath;

    /// <summary>A plain entry's value.</summary>
    public string? PlainValue => _plainValue;

    /// <summary>How many outputs the key produced.</summary>
    public int OutputCount => _outputs?.Length ?? 1;

    /// <summary>The configuration paths and values the key produced (a new array for a plain entry).</summary>
    public KeyValuePair<string, string?>[] Outputs => _outputs ?? [new KeyValuePair<string, string?>(_plainPath!, _plainValue)];
}
