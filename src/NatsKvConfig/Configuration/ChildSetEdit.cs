namespace NatsKvConfig;

/// <summary>
/// One parent's children while a batch changes them: the original sorted set stays shared, changes are kept
/// aside and merged in once at the end, so a batch of k changes to a parent of c children costs O(c + k log c)
/// rather than an O(c) insertion per change.
/// </summary>
internal sealed class ChildSetEdit
{
    private readonly ChildSet _original;

    // Index in the original → the path that now holds that child, or null once the child is gone.
    private Dictionary<int, string?>? _replaced;
    private SortedSet<string>? _added;

    // Originals before it are all gone (a gone original never comes back: a new child goes to _added).
    private int _firstLive;

    public ChildSetEdit(ChildSet original)
    {
        _original = original;
        Count = original.Count;
    }

    /// <summary>How many children the parent has now.</summary>
    public int Count { get; private set; }

    /// <summary>Whether anything was written (possibly back to what it was).</summary>
    public bool Changed => _replaced is not null || _added is not null;

    /// <summary>The path holding the child named by <paramref name="path"/>'s segment, or null.</summary>
    public string? Get(string path)
    {
        var index = _original.IndexOf(path);
        if (index >= 0)
        {
            if (_replaced is null || !_replaced.TryGetValue(index, out var now))
            {
                return _original[index];
            }

            if (now is not null)
            {
                return now;
            }
        }

        return _added is not null && _added.TryGetValue(path, out var added) ? added : null;
    }

    /// <summary>Makes <paramref name="holder"/> the path holding the child named by <paramref name="path"/>'s segment, adding the child if new.</summary>
    public void Put(string path, string holder)
    {
        var index = _original.IndexOf(path);
        if (index >= 0 && IsLive(index))
        {
            (_replaced ??= [])[index] = holder;
            return;
        }

        _added ??= new SortedSet<string>(new ChildSegmentComparer(_original.Start));
        if (!_added.Remove(path))
        {
            Count++;
        }

        _added.Add(holder);
    }

    /// <summary>Removes the child named by <paramref name="path"/>'s segment.</summary>
    public void Delete(string path)
    {
        var index = _original.IndexOf(path);
        if (index >= 0 && IsLive(index))
        {
            (_replaced ??= [])[index] = null;
            Count--;
        }
        else if (_added is not null && _added.Remove(path))
        {
            Count--;
        }
    }

    /// <summary>The path holding some child, or null when there is none.</summary>
    public string? Any()
    {
        for (; _firstLive < _original.Count; _firstLive++)
        {
            if (_replaced is null || !_replaced.TryGetValue(_firstLive, out var now))
            {
                return _original[_firstLive];
            }

            if (now is not null)
            {
                return now;
            }
        }

        return _added is { Count: > 0 } ? _added.Min : null;
    }

    /// <summary>The children as they are now, sorted (the original itself when nothing was written).</summary>
    /// <remarks>Copies the unchanged runs of the original whole and places each added child by binary search: O(c + k log c).</remarks>
    public ChildSet ToChildSet()
    {
        if (!Changed)
        {
            return _original;
        }

        var paths = new string[Count];
        var written = 0;
        var next = 0; // the next original to copy
        var changed = _replaced is null ? [] : _replaced.Keys.ToArray();
        Array.Sort(changed);
        var nextChanged = 0;

        void CopyOriginalsBefore(int end)
        {
            while (next < end)
            {
                var stop = nextChanged < changed.Length && changed[nextChanged] < end ? changed[nextChanged] : end;
                _original.CopyTo(next, paths, written, stop - next);
                written += stop - next;
                next = stop;
                if (next < end)
                {
                    if (_replaced![next] is { } now)
                    {
                        paths[written++] = now;
                    }

                    next++;
                    nextChanged++;
                }
            }
        }

        foreach (var holder in _added ?? [])
        {
            // Where it goes; if a removed original had its name, before that one (which is skipped anyway).
            var at = _original.IndexOf(holder);
            CopyOriginalsBefore(at < 0 ? ~at : at);
            paths[written++] = holder;
        }

        CopyOriginalsBefore(_original.Count);
        return ChildSet.Of(paths, _original.ParentLength);
    }

    private bool IsLive(int index) => _replaced is null || !_replaced.TryGetValue(index, out var now) || now is not null;
}
