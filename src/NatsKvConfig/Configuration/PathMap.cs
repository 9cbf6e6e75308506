using System.Numerics;

namespace NatsKvConfig;

/// <summary>
/// A persistent map from configuration paths (case-insensitive) to values: setting a path returns a new map that
/// shares all but a few nodes with the old one, which stays as it was. A hash array mapped trie of 32-way nodes, so
/// a map of n paths is about log32(n) nodes deep: 3 at 25,000 paths, where a balanced binary tree is 15.
/// </summary>
/// <remarks>
/// Holds the changes made since a <see cref="PathTable"/> was published: readers' views and the projection share
/// one such map. Old nodes never point at newer ones, so a garbage collection has nothing old to rescan when a
/// change is made, and each change allocates its path of a few nodes only.
/// </remarks>
/// <typeparam name="TValue">What each path maps to.</typeparam>
internal sealed class PathMap<TValue>
{
    private const int BitsPerLevel = 5;
    private const int LevelMask = (1 << BitsPerLevel) - 1;

    private static readonly Func<string, int> DefaultHash = StringComparer.OrdinalIgnoreCase.GetHashCode;

    private readonly Branch _root;

    // How paths hash: case-insensitively, always; tests give a weaker one to make whole hashes collide.
    private readonly Func<string, int> _hash;

    private PathMap(Branch root, int count, Func<string, int> hash)
    {
        _root = root;
        Count = count;
        _hash = hash;
    }

    /// <summary>A map holding no path.</summary>
    public static PathMap<TValue> Empty { get; } = new(new Branch(0, []), 0, DefaultHash);

    /// <summary>An empty map hashing paths with <paramref name="hash"/>, which must agree with case-insensitive equality. For tests.</summary>
    internal static PathMap<TValue> EmptyWithHash(Func<string, int> hash) => new(new Branch(0, []), 0, hash);

    /// <summary>How many paths the map holds.</summary>
    public int Count { get; }

    /// <summary>Whether the map holds no path.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>Looks a path up, case-insensitively.</summary>
    public bool TryGetValue(string path, out TValue value)
    {
        if (Count > 0)
        {
            var hash = _hash(path);
            object node = _root;
            for (var shift = 0; ; shift += BitsPerLevel)
            {
                switch (node)
                {
                    case Branch branch:
                        var bit = 1u << ((int)((uint)hash >> shift) & LevelMask);
                        if ((branch.Bitmap & bit) == 0)
                        {
                            value = default!;
                            return false;
                        }

                        node = branch.Children[BitOperations.PopCount(branch.Bitmap & (bit - 1))];
                        continue;
                    case Leaf leaf when leaf.Hash == hash && SamePath(leaf.Path, path):
                        value = leaf.Value;
                        return true;
                    case Collision collision when collision.Hash == hash:
                        foreach (var candidate in collision.Leaves)
                        {
                            if (SamePath(candidate.Path, path))
                            {
                                value = candidate.Value;
                                return true;
                            }
                        }

                        break;
                }

                value = default!;
                return false;
            }
        }

        value = default!;
        return false;
    }

    /// <summary>Whether the map holds the path.</summary>
    public bool ContainsKey(string path) => TryGetValue(path, out _);

    /// <summary>A map with <paramref name="path"/> set to <paramref name="value"/> (spelled as given); this one is unchanged.</summary>
    public PathMap<TValue> SetItem(string path, TValue value)
    {
        var root = Set(_root, new Leaf(_hash(path), path, value), 0, out var added);
        return new PathMap<TValue>(root, added ? Count + 1 : Count, _hash);
    }

    /// <summary>Every path and its value, in no particular order.</summary>
    public IEnumerable<KeyValuePair<string, TValue>> Entries
    {
        get
        {
            if (Count == 0)
            {
                yield break;
            }

            var pending = new Stack<object>();
            pending.Push(_root);
            while (pending.TryPop(out var node))
            {
                switch (node)
                {
                    case Branch branch:
                        foreach (var child in branch.Children)
                        {
                            pending.Push(child);
                        }

                        break;
                    case Leaf leaf:
                        yield return new KeyValuePair<string, TValue>(leaf.Path, leaf.Value);
                        break;
                    case Collision collision:
                        foreach (var leaf in collision.Leaves)
                        {
                            yield return new KeyValuePair<string, TValue>(leaf.Path, leaf.Value);
                        }

                        break;
                }
            }
        }
    }

    private static bool SamePath(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static Branch Set(Branch branch, Leaf leaf, int shift, out bool added)
    {
        var bit = 1u << ((int)((uint)leaf.Hash >> shift) & LevelMask);
        var position = BitOperations.PopCount(branch.Bitmap & (bit - 1));
        if ((branch.Bitmap & bit) == 0)
        {
            added = true;
            return branch.Inserting(position, bit, leaf);
        }

        object replacement;
        switch (branch.Children[position])
        {
            case Branch child:
                replacement = Set(child, leaf, shift + BitsPerLevel, out added);
                break;
            case Leaf existing when existing.Hash == leaf.Hash:
                added = !SamePath(existing.Path, leaf.Path);
                replacement = added ? new Collision(leaf.Hash, [existing, leaf]) : leaf;
                break;
            case Collision collision when collision.Hash == leaf.Hash:
                replacement = collision.Setting(leaf, out added);
                break;
            case var other:
                added = true;
                replacement = Split(other, HashOf(other), leaf, shift + BitsPerLevel);
                break;
        }

        return branch.Replacing(position, replacement);
    }

    private static int HashOf(object node) => node is Leaf leaf ? leaf.Hash : ((Collision)node).Hash;

    // A branch holding two nodes whose hashes differ, made as deep as their hashes agree.
    private static Branch Split(object existing, int existingHash, Leaf leaf, int shift)
    {
        var existingIndex = (int)((uint)existingHash >> shift) & LevelMask;
        var leafIndex = (int)((uint)leaf.Hash >> shift) & LevelMask;
        if (existingIndex == leafIndex)
        {
            return new Branch(1u << leafIndex, [Split(existing, existingHash, leaf, shift + BitsPerLevel)]);
        }

        var bitmap = (1u << existingIndex) | (1u << leafIndex);
        return new Branch(bitmap, existingIndex < leafIndex ? [existing, leaf] : [leaf, existing]);
    }

    /// <summary>A node of up to 32 children, present where the bitmap has a bit: leaves, branches or collisions.</summary>
    private sealed class Branch(uint bitmap, object[] children)
    {
        public uint Bitmap { get; } = bitmap;

        public object[] Children { get; } = children;

        public Branch Inserting(int position, uint bit, object child)
        {
            var children = new object[Children.Length + 1];
            Array.Copy(Children, children, position);
            children[position] = child;
            Array.Copy(Children, position, children, position + 1, Children.Length - position);
            return new Branch(Bitmap | bit, children);
        }

        public Branch Replacing(int position, object child)
        {
            var children = (object[])Children.Clone();
            children[position] = child;
            return new Branch(Bitmap, children);
        }
    }

    /// <summary>One path and its value.</summary>
    private sealed class Leaf(int hash, string path, TValue value)
    {
        public int Hash { get; } = hash;

        public string Path { get; } = path;

        public TValue Value { get; } = value;
    }

    /// <summary>Paths whose whole hashes are equal.</summary>
    private sealed class Collision(int hash, Leaf[] leaves)
    {
        public int Hash { get; } = hash;

        public Leaf[] Leaves { get; } = leaves;

        public Collision Setting(Leaf leaf, out bool added)
        {
            for (var i = 0; i < Leaves.Length; i++)
            {
                if (SamePath(Leaves[i].Path, leaf.Path))
                {
                    var replaced = (Leaf[])Leaves.Clone();
                    replaced[i] = leaf;
                    added = false;
                    return new Collision(Hash, replaced);
                }
            }

            added = true;
            return new Collision(Hash, [.. Leaves, leaf]);
        }
    }
}
