using System.Collections.Immutable;
using Microsoft.Extensions.Configuration;

namespace NatsKvConfig;

/// <summary>
/// The immutable set of configuration values readers see. A batch of changes produces a new view that shares
/// almost everything with the old one, so applying a change costs about the same with 10 or 100,000 keys,
/// and a reader holding a view never sees half of a batch.
/// </summary>
/// <remarks>
/// Values live in a <see cref="PathTable"/> that is never written after it is published, plus a small persistent
/// overlay of the changes since. A view the projection publishes shares the projection's own table (one table per
/// bucket, not two): the projection decides when its changes are merged into a new table and hands it over. A view
/// built on its own (<see cref="From"/>) merges by itself once the overlay grows past a quarter of the table: an
/// O(n) copy every n/4 changes, so O(1) amortised per change, while reads stay hash-table fast. Values set in this
/// process only (<c>configuration[key] = value</c>) stay in the overlay until the bucket changes their path.
/// </remarks>
internal sealed class ConfigurationView
{
    private const int MinimumOverlayBeforeMerge = 64;

    private static readonly ImmutableDictionary<string, Slot> NoOverlay = ImmutableDictionary.Create<string, Slot>(StringComparer.OrdinalIgnoreCase);
    private static readonly ImmutableHashSet<string> NoLocalPaths = ImmutableHashSet.Create<string>(StringComparer.OrdinalIgnoreCase);

    private readonly PathTable _base;
    private readonly ImmutableDictionary<string, Slot> _overlay;

    // Paths set in this process only: kept across a merge, dropped when the bucket changes them.
    private readonly ImmutableHashSet<string> _localPaths;

    // Whether this view merges its overlay itself; a view over a projection's table waits to be handed the next one.
    private readonly bool _mergesItself;
    private ChildIndex? _childIndex;

    private ConfigurationView(PathTable @base, ImmutableDictionary<string, Slot> overlay, ImmutableHashSet<string> localPaths, bool mergesItself, int count, ChildIndex? childIndex = null)
    {
        _base = @base;
        _overlay = overlay;
        _localPaths = localPaths;
        _mergesItself = mergesItself;
        Count = count;
        _childIndex = childIndex;
    }

    /// <summary>A view with no values.</summary>
    public static ConfigurationView Empty { get; } = new(PathTable.Empty, NoOverlay, NoLocalPaths, mergesItself: true, 0);

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

        return new ConfigurationView(table, NoOverlay, NoLocalPaths, mergesItself: true, table.Count);
    }

    /// <summary>A view of exactly <paramref name="table"/>, which its owner will never write again.</summary>
    public static ConfigurationView Over(PathTable table) => new(table, NoOverlay, NoLocalPaths, mergesItself: false, table.Count);

    /// <summary>Looks a path up, case-insensitively.</summary>
    public bool TryGetValue(string path, out string? value)
    {
        if (!_overlay.IsEmpty && _overlay.TryGetValue(path, out var slot))
        {
            value = slot.Value;
            return slot.Exists;
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
                if (_overlay.IsEmpty || !_overlay.ContainsKey(entry.Path))
                {
                    yield return entry.Path;
                }
            }

            foreach (var (path, slot) in _overlay)
            {
                if (slot.Exists)
                {
                    yield return path;
                }
            }
        }
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
    public ConfigurationView With(IReadOnlyList<KeyValuePair<string, string?>> set, IReadOnlyList<string> removed, bool local = false) =>
        With(set, removed, touched: [], rebased: null, local);

    /// <summary>
    /// Returns a new view with <paramref name="set"/> written and <paramref name="removed"/> taken out, as the
    /// projection publishes a batch: values set in this process at <paramref name="touched"/> paths give way, and
    /// <paramref name="rebased"/>, when given, is the projection's new table, holding everything the view will.
    /// </summary>
    public ConfigurationView With(IReadOnlyList<KeyValuePair<string, string?>> set, IReadOnlyList<string> removed, IEnumerable<string> touched, PathTable? rebased, bool local = false)
    {
        var localPaths = _localPaths;
        if (!localPaths.IsEmpty)
        {
            localPaths = localPaths.Except(touched);
        }

        if (local)
        {
            localPaths = localPaths.Union(set.Select(pair => pair.Key)).Union(removed);
        }

        if (set.Count == 0 && removed.Count == 0 && rebased is null)
        {
            return ReferenceEquals(localPaths, _localPaths) || localPaths.SetEquals(_localPaths) ? this
                : new ConfigurationView(_base, _overlay, localPaths, _mergesItself, Count, _childIndex);
        }

        var overlay = _overlay.ToBuilder();
        var appeared = new List<string>();
        var disappeared = new List<string>();
        foreach (var (path, value) in set)
        {
            if (!Exists(overlay, path))
            {
                appeared.Add(path);
            }

            overlay[path] = new Slot(true, value);
        }

        foreach (var path in removed)
        {
            if (Exists(overlay, path))
            {
                disappeared.Add(path);
            }

            overlay[path] = default;
        }

        var count = Count + appeared.Count - disappeared.Count;

        // Keep the child index current only where one was built; otherwise the first reader builds it.
        var childIndex = Volatile.Read(ref _childIndex)?.With(appeared, disappeared);
        if (rebased is not null)
        {
            // The projection's table holds what the bucket gives; what this process set itself is carried over.
            var carried = NoOverlay.ToBuilder();
            foreach (var path in localPaths)
            {
                if (overlay.TryGetValue(path, out var slot))
                {
                    carried[path] = slot;
                }
            }

            return new ConfigurationView(rebased, carried.ToImmutable(), localPaths, mergesItself: false, count, childIndex);
        }

        if (_mergesItself && overlay.Count >= MinimumOverlayBeforeMerge && overlay.Count * 4 > _base.Count)
        {
            return Merge(overlay, localPaths, count, childIndex);
        }

        return new ConfigurationView(_base, overlay.ToImmutable(), localPaths, _mergesItself, count, childIndex);
    }

    private bool Exists(ImmutableDictionary<string, Slot>.Builder overlay, string path) =>
        overlay.TryGetValue(path, out var slot) ? slot.Exists : _base.Contains(path);

    private ConfigurationView Merge(ImmutableDictionary<string, Slot>.Builder overlay, ImmutableHashSet<string> localPaths, int count, ChildIndex? childIndex)
    {
        var table = _base.Copy();
        foreach (var (path, slot) in overlay)
        {
            if (slot.Exists)
            {
                table.Set(PathEntry.Owned(path, slot.Value));
            }
            else
            {
                table.Remove(path);
            }
        }

        return new ConfigurationView(table, NoOverlay, localPaths, mergesItself: true, count, childIndex);
    }

    /// <summary>An overlay entry: a value, or (the default) the path's removal.</summary>
    private readonly record struct Slot(bool Exists, string? Value);
}
