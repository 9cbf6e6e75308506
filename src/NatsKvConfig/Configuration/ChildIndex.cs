using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;

namespace NatsKvConfig;

/// <summary>
/// The children of every configuration path, for <c>GetChildKeys</c>: the base provider scans every key on
/// every call, and binding a section calls it once per child. Immutable: a batch derives the next index from
/// the last one by touching only the parents of the paths it added or removed.
/// </summary>
/// <remarks>
/// <para>Built for retained memory: a child is one reference to a path the view already holds (see
/// <see cref="ChildSet"/>), its name is cut from that path when asked for, and each parent is one hash set
/// entry keyed by its own children, so the index keeps no string and no per-child object.</para>
/// <para>As in <see cref="ConfigurationView"/>, the parents live in a hash set never written after it is
/// built plus a small persistent overlay of the parents changed since, merged into a new set once it outgrows
/// a quarter of it: O(1) amortised per changed parent. A changed parent's children are copied, so a batch
/// touching a parent of c children costs O(c) for it (a flat bucket's root is such a parent).</para>
/// <para>The paths given must be distinct ignoring case, an added path must be new and a removed one present
/// (after the batch's additions), as the view guarantees.</para>
/// </remarks>
internal sealed class ChildIndex
{
    private const int MinimumOverlayBeforeMerge = 64;

    private static readonly ImmutableHashSet<ChildSet> NoChanges = [];

    private readonly ChildSet _root;
    private readonly HashSet<ChildSet> _base;
    private readonly ImmutableHashSet<ChildSet> _overlay;

    private ChildIndex(ChildSet root, HashSet<ChildSet> @base, ImmutableHashSet<ChildSet> overlay)
    {
        _root = root;
        _base = @base;
        _overlay = overlay;
    }

    /// <summary>Indexes <paramref name="paths"/> from scratch.</summary>
    public static ChildIndex Build(IEnumerable<string> paths)
    {
        // Every child, keyed by its own path, with the path that will hold it: its own path if that has a
        // value, else the first seen below it.
        var holders = new Dictionary<ChildSet, string>();
        foreach (var path in paths)
        {
            for (var start = 0; ; start++)
            {
                start = ChildSegment.End(path, start);
                ref var holder = ref CollectionsMarshal.GetValueRefOrAddDefault(holders, ChildSet.KeyOf(path, start), out var seen);
                if (!seen || start == path.Length)
                {
                    holder = path;
                }

                if (start == path.Length)
                {
                    break;
                }
            }
        }

        var rootChildren = new List<string>();
        var byParent = new Dictionary<ChildSet, List<string>>();
        foreach (var (child, holder) in holders)
        {
            // A child's own path of length 0 (the root's empty segment) has no delimiter before it.
            var parentLength = child.ParentLength == 0 ? -1 : holder.LastIndexOf(ConfigurationPath.KeyDelimiter[0], child.ParentLength - 1);
            if (parentLength < 0)
            {
                rootChildren.Add(holder);
                continue;
            }

            ref var siblings = ref CollectionsMarshal.GetValueRefOrAddDefault(byParent, ChildSet.KeyOf(holder, parentLength), out _);
            (siblings ??= []).Add(holder);
        }

        var sets = new HashSet<ChildSet>(byParent.Count);
        foreach (var (parent, children) in byParent)
        {
            sets.Add(Sorted(children, parent.ParentLength));
        }

        return new ChildIndex(Sorted(rootChildren, -1), sets, NoChanges);
    }

    /// <summary>The sorted children of <paramref name="parentPath"/> (the root when null).</summary>
    public IReadOnlyList<string> Children(string? parentPath) =>
        (parentPath is null ? _root : Find(ChildSet.KeyOf(parentPath, parentPath.Length))).Names();

    /// <summary>A new index with <paramref name="added"/> paths in and <paramref name="removed"/> ones out (in that order).</summary>
    public ChildIndex With(IReadOnlyList<string> added, IReadOnlyList<string> removed)
    {
        if (added.Count == 0 && removed.Count == 0)
        {
            return this;
        }

        var batch = new Batch(this);
        foreach (var path in added)
        {
            batch.Add(path);
        }

        foreach (var path in removed)
        {
            batch.Remove(path);
        }

        return batch.ToIndex();
    }

    private static ChildSet Sorted(List<string> children, int parentLength)
    {
        var sorted = children.ToArray();
        Array.Sort(sorted, new ChildSegmentComparer(parentLength + 1));
        return ChildSet.Of(sorted, parentLength);
    }

    // The children of the parent that key stands for (none if it has none).
    private ChildSet Find(ChildSet key)
    {
        if (!_overlay.IsEmpty && _overlay.TryGetValue(key, out var changed))
        {
            return changed.IsRemoved ? ChildSet.None(key.ParentLength) : changed;
        }

        return _base.TryGetValue(key, out var set) ? set : ChildSet.None(key.ParentLength);
    }

    /// <summary>One batch of changes: the parents it touches, edited in place, then published as a new index.</summary>
    private sealed class Batch(ChildIndex index)
    {
        private readonly Dictionary<ChildSet, ChildSetEdit> _edits = [];
        private readonly List<int> _ends = [];
        private ChildSetEdit? _root;

        public void Add(string path)
        {
            for (var parentLength = -1; ;)
            {
                var end = ChildSegment.End(path, parentLength + 1);
                var children = Edit(path, parentLength);
                if (end == path.Length)
                {
                    children.Put(path, path); // the child has a value now: its own path holds it
                    return;
                }

                if (children.Get(path) is null)
                {
                    children.Put(path, path);
                }

                parentLength = end;
            }
        }

        // From the deepest level up, so that each level sees the one below it already updated.
        public void Remove(string path)
        {
            _ends.Clear();
            for (var start = 0; ; start++)
            {
                start = ChildSegment.End(path, start);
                _ends.Add(start);
                if (start == path.Length)
                {
                    break;
                }
            }

            for (var level = _ends.Count - 1; level >= 0; level--)
            {
                var end = _ends[level];
                var children = Edit(path, level == 0 ? -1 : _ends[level - 1]);
                var holder = children.Get(path);
                if (holder is null)
                {
                    continue;
                }

                var below = Below(path, end);
                var isLeaf = end == path.Length;
                if (below is null)
                {
                    // Nothing below it: the child stays only if it has a value of its own (not the removed one).
                    if (isLeaf || holder.Length != end)
                    {
                        children.Delete(path);
                    }
                }
                else if (isLeaf || string.Equals(holder, path, StringComparison.OrdinalIgnoreCase))
                {
                    children.Put(path, below); // never hold on to a removed path
                }
            }
        }

        public ChildIndex ToIndex()
        {
            var overlay = index._overlay.ToBuilder();
            foreach (var (key, edit) in _edits)
            {
                if (!edit.Changed)
                {
                    continue;
                }

                var set = edit.ToChildSet();
                overlay.Remove(key);
                if (set.Count > 0)
                {
                    overlay.Add(set);
                }
                else if (index._base.Contains(key))
                {
                    overlay.Add(key.AsRemoved());
                }
            }

            var root = _root?.ToChildSet() ?? index._root;
            if (overlay.Count < MinimumOverlayBeforeMerge || overlay.Count * 4 <= index._base.Count)
            {
                return new ChildIndex(root, index._base, overlay.ToImmutable());
            }

            var merged = new HashSet<ChildSet>(index._base);
            foreach (var set in overlay)
            {
                merged.Remove(set); // replaces the entry, whose key may be held by a removed path
                if (!set.IsRemoved)
                {
                    merged.Add(set);
                }
            }

            return new ChildIndex(root, merged, NoChanges);
        }

        private ChildSetEdit Edit(string path, int parentLength)
        {
            if (parentLength < 0)
            {
                return _root ??= new ChildSetEdit(index._root);
            }

            var key = ChildSet.KeyOf(path, parentLength);
            ref var edit = ref CollectionsMarshal.GetValueRefOrAddDefault(_edits, key, out _);
            return edit ??= new ChildSetEdit(index.Find(key));
        }

        // A path holding some child of path[..length], or null when it has none.
        private string? Below(string path, int length)
        {
            var key = ChildSet.KeyOf(path, length);
            if (_edits.TryGetValue(key, out var edit))
            {
                return edit.Any();
            }

            var set = index.Find(key);
            return set.Count > 0 ? set[0] : null;
        }
    }
}
