namespace NatsKvConfig;

/// <summary>
/// One configuration path's value in a <see cref="PathTable"/>: either a plain key's value (the key is the path
/// with '.' for ':', and the revision is the key's), or a value that some other key supplies (a JSON expansion, a
/// key with escapes, a contested path), whose owner the projection keeps elsewhere.
/// </summary>
internal readonly struct PathEntry
{
    // The top bit marks an owned entry: revisions are stream sequences, far below 2^63. One field rather than a
    // flag keeps the entry at three words, as a path table holds one per path.
    private const ulong OwnedBit = 1UL << 63;
    private readonly ulong _revisionAndOwned;

    private PathEntry(string path, string? value, ulong revisionAndOwned)
    {
        Path = path;
        Value = value;
        _revisionAndOwned = revisionAndOwned;
    }

    /// <summary>The path, spelled as the key that supplies it spells it.</summary>
    public string Path { get; }

    /// <summary>The value readers see.</summary>
    public string? Value { get; }

    /// <summary>For a plain key's entry, the key's revision; 0 for an owned entry.</summary>
    public ulong Revision => _revisionAndOwned & ~OwnedBit;

    /// <summary>Whether another key than the path's plain key supplies the value (see the type's summary).</summary>
    public bool IsOwned => (_revisionAndOwned & OwnedBit) != 0;

    /// <summary>A plain key's value at its revision.</summary>
    public static PathEntry Plain(string path, string? value, ulong revision) => new(path, value, revision & ~OwnedBit);

    /// <summary>A value supplied by a key the projection tracks on its own.</summary>
    public static PathEntry Owned(string path, string? value) => new(path, value, OwnedBit);

    /// <summary>A probe to look a path up with.</summary>
    public static PathEntry Probe(string path) => new(path, null, 0);
}
