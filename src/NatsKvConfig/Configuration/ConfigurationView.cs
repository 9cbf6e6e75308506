using System.Collections.Immutable;
using Microsoft.Extensions.Configuration;

namespace NatsKvConfig;

/// <summary>
/// The immutable set of configuration values readers see. A batch of changes produces a new view that shares
/// almost everything with the old one, so applying a change costs about the same with 10 or 100,000 keys,
/// and a reader holding a view never sees half of a batch.
/// </summary>
/// <remarks>
/// Values live in a <see cref="PathTable"/> that is never written after it is published, plus the changes since.
/// A view the projection publishes reads the projection's <see cref="PathVersions"/> at the version it was
/// published at: one table and one set of versions per bucket, shared by every view, with nothing copied for a
/// view. The projection decides when its changes are merged into a new table. A view built on its own
/// (<see cref="From"/>, used where no projection is) keeps its changes in an immutable dictionary and merges by
/// itself once they outgrow a quarter of the table: an O(n) copy every n/4 changes, so O(1) amortised per change,
/// while reads stay hash-table fast. Values set in this process only (<c>configuration[key] = value</c>) are a
/// third, usually empty, layer on top, until the bucket changes their path.
/// </remarks>
internal sealed class ConfigurationView
{
    private const int MinimumChangesBeforeMerge = 64;

    private static readonly ImmutableDictionary<string, PathSlot> NoChanges = ImmutableDictionary.Create<string, PathSlot>(StringComparer.OrdinalIgnoreCase);

    private readonly PathTable _base;

    // The projection's changes since the table was published, read at _version: views it publishes share them.
    private readonly PathVersions? _versions;
    private readonly long _version;

    // A view's own changes, when it merges them itself (From).
    private readonly ImmutableDictionary<string, PathSlot> _changes;

    // Values set in this process only: read first, kept across a merge, dropped when the bucket changes the path.
    private readonly ImmutableDictionary<string, PathSlot> _local;

    // Whether this view merges its changes itself; a view over a projection's table is handed the next one.
    private readonly bool _mergesItself;
    private ChildIndex? _childIndex;

    private ConfigurationView(PathTable @base, ImmutableDictionary<string, PathSlot> changes, ImmutableDictionary<string, PathSlot> local, bool mergesItself, int count, ChildIndex? childIndex = null, PathVersions? versions = null, long version = 0)
    {
        _base = @base;
        _versions = versions;
        _version = version;
        _changes = changes;
        _local = local;
        _mergesItself = mergesItself;
        Count = count;
        _childIndex = childIndex;
    }

    /// <summary>A view with no values.</summary>
    public static ConfigurationView Empty { get; } = new(PathTable.Empty, NoChanges, NoChanges, mergesItself: true, 0);

    /// <summary>How many configuration paths have a value (a <see langword="null"/> value counts).</summary>
    public int Count { get; }

    /// <summary>Builds a view holding exactly the given values (<paramref name="count"/> of them, if known).</summary>
    public static ConfigurationView From(IEnumerable<KeyValuePair<string, string?>> values, int count = 0)
    {
        var table = new PathTable(count);
        foreach (var (path, value) in values)
        {
            table.Set(PathEntry.Owned(path, value));
        }

        return new ConfigurationView(table, NoChanges, NoChanges, mergesItself: true, table.Count);
    }

    /// <summary>A view of exactly <paramref name="table"/>, which its owner will never write again.</summary>
    public static ConfigurationView Over(PathTable table) =>
        new(table, NoChanges, NoChanges, mergesItself: false, table.Count);

    /// <summary>Looks a path up, case-insensitively.</summary>
    public bool TryGetValue(string path, out string? value)
    {
        if ((!_local.IsEmpty && _local.TryGetValue(path, out var slot)) || TryGetChange(path, out slot))
        {
            value = slot.Entry.Value;
            return !slot.Removed;
        }

        if (_base.TryGet(path, out var entry))
        {
            value = entry.Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>Every path that has a value, in no particular order.</summary>
    public IEnumerable<string> Paths
    {
        get
        {
            foreach (var entry in _base)
            {
                if (!TryGetChange(entry.Path, out _) && (_local.IsEmpty || !_local.ContainsKey(entry.Path)))
                {
                    yield return entry.Path;
                }
            }

            // A view has one of the two kinds of changes: the projection's versions, or its own.
            var changes = _versions is { IsEmpty: false } versions ? versions.Entries(_version) : _changes;
            foreach (var (path, slot) in changes)
            {
                if (!slot.Removed && (_local.IsEmpty || !_local.ContainsKey(path)))
                {
                    yield return path;
                }
            }

            foreach (var (path, slot) in _local)
            {
                if (!slot.Removed)
                {
                    yield return path;
                }
            }
        }
    }

    /// <summary>
    /// How many paths have a value in one of <paramref name="first"/> and <paramref name="second"/> and not the same
    /// one (or none) in the other: 0 when readers would see no difference. O(paths of both).
    /// </summary>
    public static int CountDifferences(ConfigurationView first, ConfigurationView second)
    {
        var differences = 0;
        foreach (var path in second.Paths)
        {
            second.TryGetValue(path, out var value);
            if (!first.TryGetValue(path, out var had) || !string.Equals(had, value, StringComparison.Ordinal))
            {
                differences++;
            }
        }

        foreach (var path in first.Paths)
        {
            if (!second.TryGetValue(path, out _))
            {
                differences++;
            }
        }

        return differences;
    }

    /// <summary>
    /// The child segments directly under <paramref name="parentPath"/> (the root when null) plus
    /// <paramref name="earlierKeys"/>, sorted as <see cref="ConfigurationProvider.GetChildKeys"/> sorts them
    /// (each child once; the configuration root removes duplicates anyway).
    /// </summary>
    /// <remarks>
    /// The first call indexes every path's children (one scan); later views derive their index from this one
    /// by touching only what a batch changed, so every later call is a lookup, whatever the number of keys.
    /// </remarks>
    public IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath)
    {
        ArgumentNullException.ThrowIfNull(earlierKeys);
        var children = LazyInitializer.EnsureInitialized(ref _childIndex, () => ChildIndex.Build(Paths)).Children(parentPath);
        if (earlierKeys.TryGetNonEnumeratedCount(out var earlierCount) && earlierCount == 0)
        {
            return children; // already sorted, and read-only
        }

        var results = new List<string>(children);
        results.AddRange(earlierKeys);
        results.Sort(ConfigurationKeyComparer.Instance);
        return results;
    }

    /// <summary>Returns a new view with <paramref name="set"/> written and <paramref name="removed"/> taken out.</summary>
    /// <param name="set">Paths to give a value.</param>
    /// <param name="removed">Paths to take out.</param>
    /// <param name="local">Whether the values are set in this process only, not by the bucket.</param>
    public ConfigurationView With(IReadOnlyList<KeyValuePair<string, string?>> set, IReadOnlyList<string> removed, bool local = false)
    {
        if (set.Count == 0 && removed.Count == 0)
        {
            return this;
        }

        if (!local && _versions is not null)
        {
            throw new InvalidOperationException("A view the projection published takes the bucket's changes from the projection, not from With.");
        }

        var layer = local ? _local : _changes;

        // Whether the path has a value with the layer being written as it stands: the local layer reads first.
        bool Visible(string path)
        {
            var (first, second) = local ? (layer, _changes) : (_local, layer);
            if ((!first.IsEmpty && first.TryGetValue(path, out var slot)) || (!second.IsEmpty && second.TryGetValue(path, out slot)))
            {
                return !slot.Removed;
            }

            return TryGetVersion(path, out slot) ? !slot.Removed : _base.Contains(path);
        }

        var before = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
        foreach (var (path, value) in set)
        {
            before.TryAdd(path, Visible(path));
            layer = layer.SetItem(path, new PathSlot(PathEntry.Owned(path, value), Removed: false));
        }

        foreach (var path in removed)
        {
            before.TryAdd(path, Visible(path));
            layer = layer.SetItem(path, PathSlot.Gone);
        }

        var appeared = new List<string>();
        var disappeared = new List<string>();
        foreach (var (path, was) in before)
        {
            var now = Visible(path);
            if (now && !was)
            {
                appeared.Add(path);
            }
            else if (was && !now)
            {
                disappeared.Add(path);
            }
        }

        var count = Count + appeared.Count - disappeared.Count;

        // Keep the child index current only where one was built; otherwise the first reader builds it.
        var childIndex = Volatile.Read(ref _childIndex)?.With(appeared, disappeared);
        if (local)
        {
            return new ConfigurationView(_base, _changes, layer, _mergesItself, count, childIndex, _versions, _version);
        }

        if (_mergesItself && layer.Count >= MinimumChangesBeforeMerge && layer.Count * 4 > _base.Count)
        {
            var table = _base.Copy();
            foreach (var (path, slot) in layer)
            {
                if (slot.Removed)
                {
                    table.Remove(path);
                }
                else
                {
                    table.Set(slot.Entry);
                }
            }

            return new ConfigurationView(table, NoChanges, _local, mergesItself: true, count, childIndex);
        }

        return new ConfigurationView(_base, layer, _local, _mergesItself, count, childIndex);
    }

    /// <summary>
    /// The view after a batch the projection applied: its table and changes now, and the paths the batch touched,
    /// each with whether it had a value before and has one now in the projection. A value set in this process at a
    /// touched path gives way to the bucket's.
    /// </summary>
    public ConfigurationView Publish(PathTable table, PathVersions changes, long version, IReadOnlyList<(string Path, bool Had, bool Has)> touched)
    {
        var local = _local;
        List<string>? appeared = null;
        List<string>? disappeared = null;
        foreach (var (path, had, has) in touched)
        {
            var visible = had;
            if (!local.IsEmpty && local.TryGetValue(path, out var slot))
            {
                visible = !slot.Removed;
                local = local.Remove(path);
            }

            if (has && !visible)
            {
                (appeared ??= []).Add(path);
            }
            else if (!has && visible)
            {
                (disappeared ??= []).Add(path);
            }
        }

        var childIndex = appeared is null && disappeared is null ? _childIndex : Volatile.Read(ref _childIndex)?.With(appeared ?? [], disappeared ?? []);
        return new ConfigurationView(table, NoChanges, local, mergesItself: false, Count + (appeared?.Count ?? 0) - (disappeared?.Count ?? 0), childIndex, changes, version);
    }

    // The path's entry in the changes since the table was published, as this view sees them. A view has one kind
    // of changes or the other: the projection's versions, or its own.
    private bool TryGetChange(string path, out PathSlot slot) =>
        TryGetVersion(path, out slot) || (!_changes.IsEmpty && _changes.TryGetValue(path, out slot));

    // The path's entry in the projection's versions at this view's version.
    private bool TryGetVersion(string path, out PathSlot slot)
    {
        if (_versions is { IsEmpty: false } versions)
        {
            return versions.TryGet(path, _version, out slot);
        }

        slot = default;
        return false;
    }
}
