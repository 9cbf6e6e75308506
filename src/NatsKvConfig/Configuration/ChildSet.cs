namespace NatsKvConfig;

/// <summary>
/// The children of one parent path, each held as one configuration path at or below it (its own path when that
/// has a value, else any path under it): the view already keeps those strings, so a child costs one reference.
/// Equal to another set of the same parent path (case-insensitively), so sets are their own hash keys.
/// </summary>
/// <remarks>
/// The parent path is the first 'ParentLength' characters of any child's path (-1: the root), and a child's
/// name is the segment after it. Whether a child has a value needs no flag: its path then ends with it.
/// </remarks>
internal readonly struct ChildSet : IEquatable<ChildSet>
{
    // null: no children; a string: one child; a string[]: two or more, sorted by segment.
    private readonly object? _children;

    private ChildSet(object? children, int parentLength, bool isRemoved)
    {
        _children = children;
        ParentLength = parentLength;
        IsRemoved = isRemoved;
    }

    /// <summary>The parent path's length, -1 for the root.</summary>
    public int ParentLength { get; }

    /// <summary>Where each child's segment starts in its path.</summary>
    public int Start => ParentLength + 1;

    /// <summary>Marks, in an index's overlay, a parent that no longer has children.</summary>
    public bool IsRemoved { get; }

    public int Count => _children switch
    {
        string => 1,
        string[] many => many.Length,
        _ => 0,
    };

    /// <summary>The path that holds the child at <paramref name="index"/>, in sorted order.</summary>
    public string this[int index] => _children as string ?? ((string[])_children!)[index];

    private ReadOnlySpan<char> ParentPath => this[0].AsSpan(0, ParentLength);

    /// <summary>No children under the parent whose path has this length.</summary>
    public static ChildSet None(int parentLength) => new(null, parentLength, false);

    /// <summary>A key equal to the set of the parent <c>path[..length]</c>, for lookups.</summary>
    public static ChildSet KeyOf(string path, int length) => new(path, length, false);

    /// <summary>The children held by <paramref name="sorted"/> (sorted by segment, one path per child).</summary>
    public static ChildSet Of(string[] sorted, int parentLength) => sorted.Length switch
    {
        0 => None(parentLength),
        1 => new(sorted[0], parentLength, false),
        _ => new(sorted, parentLength, false),
    };

    /// <summary>A tombstone for this parent (the key must hold a path).</summary>
    public ChildSet AsRemoved() => new(this[0], ParentLength, true);

    /// <summary>The index of the child whose segment is <paramref name="path"/>'s at <see cref="Start"/>; else the complement of where it would go.</summary>
    public int IndexOf(string path)
    {
        var segment = ChildSegment.Of(path, Start);
        var low = 0;
        var high = Count - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var order = ChildSegment.Compare(ChildSegment.Of(this[middle], Start), segment);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }

    /// <summary>Copies <paramref name="count"/> children's paths from <paramref name="index"/> on.</summary>
    public void CopyTo(int index, string[] destination, int destinationIndex, int count)
    {
        if (_children is string[] many)
        {
            Array.Copy(many, index, destination, destinationIndex, count);
        }
        else if (count > 0)
        {
            destination[destinationIndex] = this[index];
        }
    }

    /// <summary>The children's names, sorted; cut on each read so that the index keeps no copy.</summary>
    public IReadOnlyList<string> Names() => Count == 0 ? [] : new ChildNames(this);

    public bool Equals(ChildSet other) =>
        ParentLength == other.ParentLength && ParentPath.Equals(other.ParentPath, StringComparison.OrdinalIgnoreCase);

    public override bool Equals(object? obj) => obj is ChildSet other && Equals(other);

    public override int GetHashCode() => string.GetHashCode(ParentPath, StringComparison.OrdinalIgnoreCase);

    public static bool operator ==(ChildSet left, ChildSet right) => left.Equals(right);

    public static bool operator !=(ChildSet left, ChildSet right) => !left.Equals(right);
}
