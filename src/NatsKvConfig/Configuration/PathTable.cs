namespace NatsKvConfig;

/// <summary>
/// Every configuration path with a value, case-insensitively, as one hash set of three-word entries: the one table
/// that the projection fills and readers' views read. Written only until it is published (see
/// <see cref="BucketProjection"/>); from then on it is never written again, and later changes live in overlays
/// until they are merged into a new table.
/// </summary>
internal sealed class PathTable
{
    private readonly HashSet<PathEntry> _entries;

    /// <summary>An empty table with room for <paramref name="capacity"/> paths.</summary>
    public PathTable(int capacity = 0)
    {
        _entries = new HashSet<PathEntry>(capacity, PathComparer.Instance);
    }

    private PathTable(HashSet<PathEntry> entries)
    {
        _entries = entries;
    }

    /// <summary>A table holding no path, never to be written.</summary>
    public static PathTable Empty { get; } = new();

    /// <summary>How many paths have a value.</summary>
    public int Count => _entries.Count;

    /// <summary>Looks a path up, case-insensitively.</summary>
    public bool TryGet(string path, out PathEntry entry) => _entries.TryGetValue(PathEntry.Probe(path), out entry);

    /// <summary>Whether the path has a value.</summary>
    public bool Contains(string path) => _entries.Contains(PathEntry.Probe(path));

    /// <summary>Adds an entry for a path that has none; returns false (and changes nothing) when it has one.</summary>
    public bool TryAdd(in PathEntry entry) => _entries.Add(entry);

    /// <summary>Adds or replaces the entry of the entry's path.</summary>
    public void Set(in PathEntry entry)
    {
        _entries.Remove(entry);
        _entries.Add(entry);
    }

    /// <summary>Removes the path's entry, if any.</summary>
    public bool Remove(string path) => _entries.Remove(PathEntry.Probe(path));

    /// <summary>A copy to change: a published table is never written. Copied slot by slot, with no rehashing.</summary>
    public PathTable Copy() => new(new HashSet<PathEntry>(_entries, PathComparer.Instance));

    /// <summary>Walks the entries without allocating.</summary>
    public HashSet<PathEntry>.Enumerator GetEnumerator() => _entries.GetEnumerator();

    /// <summary>Entries compare by path, as configuration compares paths.</summary>
    private sealed class PathComparer : IEqualityComparer<PathEntry>
    {
        public static readonly PathComparer Instance = new();

        public bool Equals(PathEntry x, PathEntry y) => string.Equals(x.Path, y.Path, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode(PathEntry obj) => StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Path);
    }
}
