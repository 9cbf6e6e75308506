using CsCheck;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace NatsKvConfig.Tests.Configuration;

public class ChildIndexTests
{
    // Few letters and digits so that paths share parents, collide by case, sort numerically ("1" < "10") or tie
    // ("1" and "01"), and have empty segments.
    private static readonly Gen<string> Path = Gen.Char["aA01:"].Array[0, 7].Select(c => new string(c));

    private static readonly Gen<string> Segment = Gen.Char["0123456789-+ aAzZ"].Array[0, 4].Select(c => new string(c));

    [Fact]
    public void After_any_sequence_of_batches_the_index_equals_one_built_from_scratch_and_the_memory_provider()
    {
        // Each batch: paths to add (the new ones among them are added) and paths to remove (present ones).
        Gen.Select(Path.Array[0, 20], Gen.Select(Path.Array[0, 12], Path.Array[0, 8], Gen.Bool).Array[1, 25]).Sample((initial, batches) =>
        {
            var paths = new HashSet<string>(initial, StringComparer.OrdinalIgnoreCase);
            var index = ChildIndex.Build(paths);
            foreach (var (toAdd, toRemove, removeSomeAdded) in batches)
            {
                var added = toAdd.Where(paths.Add).ToList();
                // Removed paths come from before the batch, and sometimes from its own additions.
                var removed = toRemove.Concat(removeSomeAdded ? added.Take(2) : []).Where(paths.Remove).ToList();
                var before = index;
                var beforeChildren = AllParents(paths.Concat(removed)).ToDictionary(p => p ?? "\0", before.Children);

                index = index.With(added, removed);

                if (!Same(index, ChildIndex.Build(paths), paths) || !SameAsMemoryProvider(index, paths) || !NamedAsLivePaths(index, paths))
                {
                    return false;
                }

                // The old index is unchanged.
                if (beforeChildren.Any(pair => !pair.Value.SequenceEqual(before.Children(pair.Key == "\0" ? null : pair.Key))))
                {
                    return false;
                }
            }

            return true;
        }, iter: 2_000);
    }

    [Fact]
    public void Build_matches_the_memory_provider()
    {
        Path.Array[0, 30].Select(p => p.Distinct(StringComparer.OrdinalIgnoreCase).ToArray())
            .Sample(paths => SameAsMemoryProvider(ChildIndex.Build(paths), paths), iter: 2_000);
    }

    [Fact]
    public void Segments_sort_as_the_configuration_key_comparer_sorts_them_and_tie_only_on_the_same_name()
    {
        Gen.Select(Segment, Segment).Sample((x, y) =>
        {
            var ours = ChildSegment.Compare(x, y);
            var theirs = ConfigurationKeyComparer.Instance.Compare(x, y);
            return (theirs == 0 || Math.Sign(ours) == Math.Sign(theirs))
                && (ours == 0) == string.Equals(x, y, StringComparison.OrdinalIgnoreCase)
                && Math.Sign(ours) == -Math.Sign(ChildSegment.Compare(y, x));
        }, iter: 20_000);
    }

    [Fact]
    public void Children_of_empty_segments_are_kept_apart()
    {
        var index = ChildIndex.Build(["a::b", "a:", ":a", "", "b:2", "b:10", "b:1"]);

        Assert.Equal(["", "a", "b"], index.Children(null));
        Assert.Equal([""], index.Children("a"));
        Assert.Equal(["b"], index.Children("a:"));
        Assert.Equal(["a"], index.Children(""));
        Assert.Equal(["1", "2", "10"], index.Children("B"));
        Assert.Empty(index.Children("a::b"));
        Assert.Empty(index.Children("c"));
    }

    [Fact]
    public void A_removed_section_leaves_no_children_and_a_value_keeps_its_child()
    {
        var index = ChildIndex.Build(["a", "a:b:c", "a:b:d", "e:f"]);

        index = index.With([], ["a:b:c", "a:b:d", "e:f"]);

        Assert.Equal(["a"], index.Children(null));
        Assert.Empty(index.Children("a"));
        Assert.Empty(index.Children("a:b"));
        Assert.Empty(index.Children("e"));
    }

    [Fact]
    public void Many_batches_merge_the_overlay_and_stay_exact()
    {
        var paths = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var index = ChildIndex.Build([]);
        for (var i = 0; i < 2_000; i++)
        {
            var added = new[] { $"s{i % 50}:k{i}", $"app:servers:{i}:host" };
            var removed = i >= 300 ? new[] { $"s{(i - 300) % 50}:k{i - 300}", $"app:servers:{i - 300}:host" } : [];
            paths.UnionWith(added);
            paths.ExceptWith(removed);
            index = index.With(added, removed);
        }

        Assert.True(Same(index, ChildIndex.Build(paths), paths));
        Assert.True(SameAsMemoryProvider(index, paths));
    }

    private static bool Same(ChildIndex actual, ChildIndex expected, IEnumerable<string> paths) =>
        AllParents(paths).Append("zz").All(parent =>
            actual.Children(parent).SequenceEqual(expected.Children(parent), StringComparer.OrdinalIgnoreCase));

    // The memory provider's order is the configuration key comparer's, whose ties ("1", "01") come in any order:
    // compare the children as sets and check that ours are sorted.
    private static bool SameAsMemoryProvider(ChildIndex index, IEnumerable<string> paths)
    {
        var memory = new MemoryConfigurationProvider(new MemoryConfigurationSource
        {
            InitialData = paths.Select(p => new KeyValuePair<string, string?>(p, "v")),
        });
        foreach (var parent in AllParents(paths).Append("zz").Append("a"))
        {
            var expected = memory.GetChildKeys([], parent).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var actual = index.Children(parent);
            if (actual.Count != expected.Count || !expected.SetEquals(actual))
            {
                return false;
            }

            for (var i = 1; i < actual.Count; i++)
            {
                if (ConfigurationKeyComparer.Instance.Compare(actual[i - 1], actual[i]) > 0)
                {
                    return false;
                }
            }
        }

        return true;
    }

    // Each name is spelled as in a path still there: the index never holds on to a removed path (case tells).
    private static bool NamedAsLivePaths(ChildIndex index, IReadOnlyCollection<string> paths) =>
        AllParents(paths).All(parent =>
        {
            var start = parent is null ? 0 : parent.Length + 1;
            return index.Children(parent).All(name => paths.Any(path =>
                (parent is null || (path.Length > parent.Length && path[parent.Length] == ':' && path.StartsWith(parent, StringComparison.OrdinalIgnoreCase)))
                && path.AsSpan(start).StartsWith(name, StringComparison.Ordinal)
                && (path.Length == start + name.Length || path[start + name.Length] == ':')));
        });

    // The root (null) and every path that has children.
    private static IEnumerable<string?> AllParents(IEnumerable<string> paths) =>
        paths.SelectMany(Prefixes).Distinct(StringComparer.OrdinalIgnoreCase).Prepend(null);

    private static IEnumerable<string> Prefixes(string path)
    {
        for (var i = path.IndexOf(':', StringComparison.Ordinal); i >= 0; i = path.IndexOf(':', i + 1))
        {
            yield return path[..i];
        }
    }
}
