using System.Collections.Immutable;
using Microsoft.Extensions.Configuration;

namespace NatsKvConfig;

/// <summary>
/// The children of every configuration path, for <c>GetChildKeys</c>: the base provider scans every key on
/// every call, and binding a section calls it once per child. Immutable: a batch derives the next index from
/// the last one by touching only the parents of the paths it added or removed.
/// </summary>
internal sealed class ChildIndex
{
    private static readonly char Delimiter = ConfigurationPath.KeyDelimiter[0];
    private static readonly ImmutableDictionary<string, int> NoChildren = ImmutableDictionary.Create<string, int>(StringComparer.OrdinalIgnoreCase);

    // Children of the root, and of every other parent; each child counts the paths at or below it.
    private readonly ChildSet _root;
    private readonly ImmutableDictionary<string, ChildSet> _byParent;

    private ChildIndex(ChildSet root, ImmutableDictionary<string, ChildSet> byParent)
    {
        _root = root;
        _byParent = byParent;
    }

    /// <summary>Indexes <paramref name="paths"/> from scratch.</summary>
    public static ChildIndex Build(IEnumerable<string> paths)
    {
        var root = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var byParent = new Dictionary<string, Dictionary<string, int>>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in paths)
        {
            ForEachLevel(path, (parent, child) =>
            {
                var counts = root;
                if (parent is not null && !byParent.TryGetValue(parent, out counts))
                {
                    counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                    byParent[parent] = counts;
                }

                counts[child] = counts.GetValueOrDefault(child) + 1;
            });
        }

        return new ChildIndex(
            new ChildSet(root.ToImmutableDictionary(StringComparer.OrdinalIgnoreCase)),
            byParent.ToImmutableDictionary(
                pair => pair.Key,
                pair => new ChildSet(pair.Value.ToImmutableDictionary(StringComparer.OrdinalIgnoreCase)),
                StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>The sorted children of <paramref name="parentPath"/> (the root when null).</summary>
    public string[] Children(string? parentPath) =>
        parentPath is null ? _root.Sorted : _byParent.TryGetValue(parentPath, out var set) ? set.Sorted : [];

    /// <summary>A new index with <paramref name="added"/> paths counted in and <paramref name="removed"/> ones out.</summary>
    public ChildIndex With(IReadOnlyList<string> added, IReadOnlyList<string> removed)
    {
        if (added.Count == 0 && removed.Count == 0)
        {
            return this;
        }

        var root = _root.Counts.ToBuilder();
        var byParent = _byParent.ToBuilder();
        var touched = new Dictionary<string, ImmutableDictionary<string, int>.Builder>(StringComparer.OrdinalIgnoreCase);
        void Count(string path, int delta) => ForEachLevel(path, (parent, child) =>
        {
            ImmutableDictionary<string, int>.Builder counts;
            if (parent is null)
            {
                counts = root;
            }
            else if (!touched.TryGetValue(parent, out counts!))
            {
                counts = byParent.TryGetValue(parent, out var set) ? set.Counts.ToBuilder() : NoChildren.ToBuilder();
                touched[parent] = counts;
            }

            var count = counts.GetValueOrDefault(child) + delta;
            if (count > 0)
            {
                counts[child] = count;
            }
            else
            {
                counts.Remove(child);
            }
        });

        foreach (var path in added)
        {
            Count(path, +1);
        }

        foreach (var path in removed)
        {
            Count(path, -1);
        }

        foreach (var (parent, counts) in touched)
        {
            if (counts.Count == 0)
            {
                byParent.Remove(parent);
            }
            else
            {
                byParent[parent] = new ChildSet(counts.ToImmutable());
            }
        }

        return new ChildIndex(new ChildSet(root.ToImmutable()), byParent.ToImmutable());
    }

    // Calls back with (parent, child) for each level of the path: (null, "a"), ("a", "b"), ("a:b", "c") for a:b:c.
    private static void ForEachLevel(string path, Action<string?, string> level)
    {
        var end = path.IndexOf(Delimiter);
        level(null, end < 0 ? path : path[..end]);
        while (end >= 0)
        {
            var start = end + 1;
            end = path.IndexOf(Delimiter, start);
            level(path[..(start - 1)], end < 0 ? path[start..] : path[start..end]);
        }
    }

    /// <summary>One parent's children with their path counts; sorted once, when first asked.</summary>
    private sealed class ChildSet(ImmutableDictionary<string, int> counts)
    {
        private string[]? _sorted;

        public ImmutableDictionary<string, int> Counts { get; } = counts;

        public string[] Sorted => LazyInitializer.EnsureInitialized(ref _sorted, () =>
        {
            var names = Counts.Keys.ToArray();
            Array.Sort(names, ConfigurationKeyComparer.Instance);
            return names;
        });
    }
}
