using System.Collections.Immutable;
using Microsoft.Extensions.Configuration;

namespace NatsKvConfig;

/// <summary>
/// The immutable set of configuration values readers see. A batch of changes produces a new view that shares
/// almost everything with the old one, so applying a change costs about the same with 10 or 100,000 keys,
/// and a reader holding a view never sees half of a batch.
/// </summary>
/// <remarks>
/// Values live in a plain dictionary that is never written after it is built, plus a small persistent
/// overlay of the changes since. When the overlay grows past a quarter of the base, the two are merged into
/// a new base: an O(n) copy every n/4 changes, so O(1) amortised per change, while reads stay dictionary-fast.
/// </remarks>
internal sealed class ConfigurationView
{
    private const int MinimumOverlayBeforeMerge = 64;

    private readonly Dictionary<string, string?> _base;
    private readonly ImmutableDictionary<string, Slot> _overlay;
    private ChildIndex? _childIndex;

    private ConfigurationView(Dictionary<string, string?> @base, ImmutableDictionary<string, Slot> overlay, int count, ChildIndex? childIndex = null)
    {
        _base = @base;
        _overlay = overlay;
        Count = count;
        _childIndex = childIndex;
    }

    /// <summary>A view with no values.</summary>
    public static ConfigurationView Empty { get; } = new(
        new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase),
        ImmutableDictionary.Create<string, Slot>(StringComparer.OrdinalIgnoreCase),
        0);

    /// <summary>How many configuration paths have a value (a <see langword="null"/> value counts).</summary>
    public int Count { get; }

    /// <summary>Builds a view holding exactly the given values (<paramref name="count"/> of them, if known).</summary>
    public static ConfigurationView From(IEnumerable<KeyValuePair<string, string?>> values, int count = 0)
    {
        var data = new Dictionary<string, string?>(count, StringComparer.OrdinalIgnoreCase);
        foreach (var (path, value) in values)
        {
            data[path] = value;
        }

        return new ConfigurationView(data, Empty._overlay, data.Count);
    }

    /// <summary>Looks a path up, case-insensitively.</summary>
    public bool TryGetValue(string path, out string? value)
    {
        if (!_overlay.IsEmpty && _overlay.TryGetValue(path, out var slot))
        {
            value = slot.Value;
            return slot.Exists;
        }

        return _base.TryGetValue(path, out value);
    }

    /// <summary>Every path that has a value, in no particular order.</summary>
    public IEnumerable<string> Paths
    {
        get
        {
            foreach (var path in _base.Keys)
            {
                if (_overlay.IsEmpty || !_overlay.ContainsKey(path))
                {
                    yield return path;
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
    public ConfigurationView With(IReadOnlyList<KeyValuePair<string, string?>> set, IReadOnlyList<string> removed)
    {
        if (set.Count == 0 && removed.Count == 0)
        {
            return this;
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
        if (overlay.Count >= MinimumOverlayBeforeMerge && overlay.Count * 4 > _base.Count)
        {
            return Merge(overlay, count, childIndex);
        }

        return new ConfigurationView(_base, overlay.ToImmutable(), count, childIndex);
    }

    private bool Exists(ImmutableDictionary<string, Slot>.Builder overlay, string path) =>
        overlay.TryGetValue(path, out var slot) ? slot.Exists : _base.ContainsKey(path);

    private ConfigurationView Merge(ImmutableDictionary<string, Slot>.Builder overlay, int count, ChildIndex? childIndex)
    {
        var data = new Dictionary<string, string?>(_base, StringComparer.OrdinalIgnoreCase);
        foreach (var (path, slot) in overlay)
        {
            if (slot.Exists)
            {
                data[path] = slot.Value;
            }
            else
            {
                data.Remove(path);
            }
        }

        return new ConfigurationView(data, Empty._overlay, count, childIndex);
    }

    /// <summary>An overlay entry: a value, or (the default) the path's removal.</summary>
    private readonly record struct Slot(bool Exists, string? Value);
}
