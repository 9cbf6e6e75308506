using System.Collections.Concurrent;

namespace NatsKvConfig;

/// <summary>
/// The changes made since a <see cref="PathTable"/> was published, each path's as a chain of versions, newest
/// first: one writer (the projection) adds entries at the next version, and each view reads, at the version it was
/// published at, the newest entry not newer than that. Written in place, never copied: a change allocates one
/// version, not a path of trie nodes, so what a change leaves for the collector is about what a mutable
/// dictionary's write leaves.
/// </summary>
/// <remarks>
/// Readers never lock and never see a version being written: a version is linked in whole, and a view's version
/// number was fixed before any later version existed. Nothing is ever removed (a removal is a version too), so
/// the chains grow until the projection merges them into a new table and starts a new instance; views over the
/// old table keep the old instance, which nobody writes any more.
/// </remarks>
internal sealed class PathVersions
{
    // One writer: one lock is enough for the dictionary's adds; reads take none.
    private readonly ConcurrentDictionary<string, Chain> _paths;

    /// <summary>An empty set of changes, sized for about <paramref name="capacity"/> paths.</summary>
    public PathVersions(int capacity = 0)
    {
        _paths = new ConcurrentDictionary<string, Chain>(concurrencyLevel: 1, Math.Max(capacity, 31), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The newest version views may read: versions after it are being written.</summary>
    public long Published { get; private set; }

    /// <summary>How many paths have a version.</summary>
    public int PathCount { get; private set; }

    /// <summary>How many versions all paths have together: what the chains hold until a merge lets them go.</summary>
    public int VersionCount { get; private set; }

    /// <summary>Whether no path has a version.</summary>
    public bool IsEmpty => PathCount == 0;

    /// <summary>
    /// The path's newest entry at <paramref name="version"/> (<see cref="long.MaxValue"/> for what is being
    /// written as well), if it has one by then. Safe while the writer writes.
    /// </summary>
    public bool TryGet(string path, long version, out PathSlot slot)
    {
        if (_paths.TryGetValue(path, out var head))
        {
            for (Version? at = Volatile.Read(ref head.Newest); at is not null; at = at.Older)
            {
                if (at.Number <= version)
                {
                    slot = at.Slot;
                    return true;
                }
            }
        }

        slot = default;
        return false;
    }

    /// <summary>Whether the path has a version at <paramref name="version"/>.</summary>
    public bool Contains(string path, long version) => TryGet(path, version, out _);

    /// <summary>
    /// Every path with a version at <paramref name="version"/>, with its newest entry then, spelled as that entry
    /// spells it (a removal as the path was first spelled); in no order.
    /// </summary>
    public IEnumerable<KeyValuePair<string, PathSlot>> Entries(long version)
    {
        // The dictionary's enumerator is safe while the writer adds, and sees every path added before it started:
        // every path a published version has.
        foreach (var (path, head) in _paths)
        {
            for (Version? at = Volatile.Read(ref head.Newest); at is not null; at = at.Older)
            {
                if (at.Number <= version)
                {
                    // Spelled as the entry spells it then: the first version's spelling is the dictionary's key.
                    yield return new KeyValuePair<string, PathSlot>(at.Slot.Removed ? path : at.Slot.Entry.Path, at.Slot);
                    break;
                }
            }
        }
    }

    /// <summary>Sets the path's entry in the version being written. Only the writer calls this.</summary>
    public void Set(string path, in PathSlot slot)
    {
        var writing = Published + 1;
        if (!_paths.TryGetValue(path, out var head))
        {
            _paths.TryAdd(path, new Chain(new Version(writing, slot, older: null)));
            PathCount++;
            VersionCount++;
            return;
        }

        var newest = head.Newest;
        if (newest.Number == writing)
        {
            // Set again before it was published: no view can read this version yet, so it is rewritten in place.
            newest.Slot = slot;
            return;
        }

        Volatile.Write(ref head.Newest, new Version(writing, slot, newest));
        VersionCount++;
    }

    /// <summary>Makes what was written so far readable, and returns the version views of it read at. Only the writer calls this.</summary>
    public long Publish() => ++Published;

    /// <summary>A path's versions: the dictionary holds this, so a new version is linked in without writing to it.</summary>
    private sealed class Chain(Version newest)
    {
        public Version Newest = newest;
    }

    /// <summary>One version of a path's entry, linked to the one before it.</summary>
    private sealed class Version(long number, PathSlot slot, Version? older)
    {
        public readonly long Number = number;
        public readonly Version? Older = older;

        // Written only while Number is not yet published, when no reader reads it.
        public PathSlot Slot = slot;
    }
}
