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

    private ConfigurationView(Dictionary<string, string?> @base, ImmutableDictionary<string, Slot> overlay, int count)
    {
        _base = @base;
        _overlay = overlay;
        Count = count;
    }

    /// <summary>A view with no values.</summary>
    public static ConfigurationView Empty { get; } = new(
        new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase),
        ImmutableDictionary.Create<string, Slot>(StringComparer.OrdinalIgnoreCase),
        0);

    /// <summary>How many configuration paths have a value (a <see langword="null"/> value counts).</summary>
    public int Count { get; }

    /// <summary>Builds a view holding exactly the given values.</summary>
    public static ConfigurationView From(IEnumerable<KeyValuePair<string, string?>> values)
    {
        var data = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);
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
    /// The base provider scans every key on every call, and binding a section calls it once per child. Here the
    /// first call on a view builds an index of all children (one scan), and every later call is a lookup. A
    /// view only changes with a batch, so the scan is paid once per batch that anyone reads children from.
    /// </remarks>
    public IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath)
    {
        ArgumentNullException.ThrowIfNull(earlierKeys);
        var index = LazyInitializer.EnsureInitialized(ref _childIndex, BuildChildIndex);
        var children = parentPath is null ? index.Root : index.ByParent.GetValueOrDefault(parentPath, []);
        if (earlierKeys.TryGetNonEnumeratedCount(out var earlierCount) && earlierCount == 0)
        {
            return children.AsReadOnly(); // already sorted
        }

        var results = new List<string>(children);
        results.AddRange(earlierKeys);
        results.Sort(ConfigurationKeyComparer.Instance);
        return results;
    }

    private ChildIndex BuildChildIndex()
    {
        var root = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var byParent = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        var delimiter = ConfigurationPath.KeyDelimiter[0];
        foreach (var path in Paths)
        {
            var end = path.IndexOf(delimiter);
            root.Add(end < 0 ? path : path[..end]);
            while (end >= 0)
            {
                var start = end + 1;
                end = path.IndexOf(delimiter, start);
                var parent = path[..(start - 1)];
                if (!byParent.TryGetValue(parent, out var children))
                {
                    children = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                    byParent[parent] = children;
                }

                children.Add(end < 0 ? path[start..] : path[start..end]);
            }
        }

        return new ChildIndex(
            Sorted(root),
            byParent.ToDictionary(pair => pair.Key, pair => Sorted(pair.Value), StringComparer.OrdinalIgnoreCase));
    }

    private static string[] Sorted(HashSet<string> children)
    {
        var sorted = children.ToArray();
        Array.Sort(sorted, ConfigurationKeyComparer.Instance);
        return sorted;
    }

    /// <summary>Returns a new view with <paramref name="set"/> written and <paramref name="removed"/> taken out.</summary>
    public ConfigurationView With(IReadOnlyList<KeyValuePair<string, string?>> set, IReadOnlyList<string> removed)
    {
        if (set.Count == 0 && removed.Count == 0)
        {
            return this;
        }

        var overlay = _overlay.ToBuilder();
        var count = Count;
        foreach (var (path, value) in set)
        {
            if (!Exists(overlay, path))
            {
                count++;
            }

            overlay[path] = new Slot(true, value);
        }

        foreach (var path in removed)
        {
            if (Exists(overlay, path))
            {
                count--;
            }

            overlay[path] = default;
        }

        if (overlay.Count >= MinimumOverlayBeforeMerge && overlay.Count * 4 > _base.Count)
        {
            return Merge(overlay, count);
        }

        return new ConfigurationView(_base, overlay.ToImmutable(), count);
    }

    private bool Exists(ImmutableDictionary<string, Slot>.Builder overlay, string path) =>
        overlay.TryGetValue(path, out var slot) ? slot.Exists : _base.ContainsKey(path);

    private ConfigurationView Merge(ImmutableDictionary<string, Slot>.Builder overlay, int count)
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

        return new ConfigurationView(data, Empty._overlay, count);
    }

    /// <summary>Every path's children, each parent's sorted once: built on the first child-key read of a view.</summary>
    private sealed record ChildIndex(string[] Root, Dictionary<string, string[]> ByParent);

    /// <summary>An overlay entry: a value, or (the default) the path's removal.</summary>
    private readonly record struct Slot(bool Exists, string? Value);
}
