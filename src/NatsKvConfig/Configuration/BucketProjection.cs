using System.Runtime.InteropServices;
using System.Text;

namespace NatsKvConfig;

/// <summary>
/// Turns KV entries into configuration values: maps keys to paths, expands JSON values, keeps the newest
/// revision of every key, and decides which key wins a path that several keys map to.
/// Owned by the single thread that applies batches; readers only ever see the <see cref="ConfigurationView"/>
/// it produces.
/// </summary>
/// <remarks>
/// Staging a full state and restoring a snapshot are compiled fully optimised from their first call
/// (<c>AggressiveOptimization</c>): each runs over every key once per start-up, where tiered compilation would run
/// it unoptimised throughout (it promotes a method only after rounds of calls). The live apply path is left to
/// tiering, whose profile-guided code serves it better over the process's life.
/// </remarks>
internal sealed class BucketProjection : ISnapshotEntrySink
{
    // Expansions longer than this are not kept for reuse: a rare huge JSON value should not hold memory for good.
    private const int MaxKeptExpansion = 1024;

    // How JSON values expand, or null when they stay plain strings.
    private readonly JsonExpansionLimits? _jsonExpansion;

    // Smaller changes are not worth a new table: a rebase copies the whole table.
    private const int MinimumDeltaBeforeRebase = 64;

    // Every path with a value, the one table readers' views share once it is published (BuildView). Most keys are
    // held here alone: a key without escapes whose value is one plain string at a path no other key maps to is a
    // plain entry, its key the path with '.' for ':', so neither a key string nor a _keys entry is kept. Every
    // other path's entry is owned: what _owners says, copied here for readers. Written in place until published;
    // after that never, and changes go to _delta until a rebase makes a new table.
    private PathTable _table;
    private bool _published;

    // Changes to the published table: each path's entries (or removals) as versions, the newest being written now.
    private PathVersions _delta = new();

    // How many entries of the table (with _delta) are plain: each is one key.
    private int _plainCount;

    // What every other key (case-sensitive, as NATS sees it) last contributed: JSON expansions, keys with
    // escapes, keys in conflict. Deleted keys stay as tombstones carrying their revision, so an older put can
    // never resurrect them.
    private readonly Dictionary<string, KeyState> _keys = new(StringComparer.Ordinal);

    // For each path (case-insensitive, as configuration sees it) that a key in _keys supplies, that key.
    private readonly Dictionary<string, PathOwner> _owners = new(StringComparer.OrdinalIgnoreCase);

    // Only paths that more than one key maps to: every contender, the winner included.
    private readonly Dictionary<string, List<PathOwner>> _contested = new(StringComparer.OrdinalIgnoreCase);

    // The paths a batch touched, and what changed at them: reused from batch to batch, as one thread applies.
    // After a large batch they are let go, rather than held at their largest for good.
    private const int MaxKeptBatchPaths = 1024;
    private HashSet<string> _dirty = new(StringComparer.OrdinalIgnoreCase);
    private List<KeyValuePair<string, string?>> _set = [];
    private List<string> _removed = [];
    private List<(string Path, bool Had, bool Has)> _touched = [];

    // Where a JSON value expands before its outputs are copied to their own array: reused, as one thread applies.
    private List<KeyValuePair<string, string?>>? _expanded;

    /// <param name="jsonExpansion">The limits within which JSON object and array values expand into child paths, or
    /// <see langword="null"/> to keep every value a plain string.</param>
    /// <param name="expectedKeys">How many keys the full state about to be staged holds, if known: sizing the
    /// table of plain values once spares rehashing it as it grows.</param>
    public BucketProjection(JsonExpansionLimits? jsonExpansion, int expectedKeys = 0)
    {
        // Only the table is sized up front: the others hold the few keys that are not plain.
        _table = new PathTable(expectedKeys);
        _jsonExpansion = jsonExpansion;
    }

    /// <summary>The highest revision applied so far (stale entries included, since they were read).</summary>
    public ulong Revision { get; private set; }

    /// <summary>How many keys currently have a value.</summary>
    public int LiveKeyCount { get; private set; }

    /// <summary>How many keys are tracked: those with a value, and delete markers not yet pruned.</summary>
    public int KeyCount => _keys.Count + _plainCount;

    /// <summary>How many times the changes since publishing were merged into a new table. For tests.</summary>
    internal int Rebases { get; private set; }

    /// <summary>When the bucket's stream was created, as the watch saw it when this state was read.</summary>
    public DateTimeOffset StreamCreated { get; set; }

    /// <summary>
    /// Rebuilds a projection from a snapshot's entries: their paths and values were produced by this class
    /// before, so no key is mapped and no JSON parsed again.
    /// </summary>
    public static BucketProjection Restore(ConfigurationSnapshot snapshot)
    {
        var projection = BeginRestore(snapshot.JsonExpansion, snapshot.Entries.Count, snapshot.Revision, snapshot.StreamCreated);
        foreach (var entry in snapshot.Entries)
        {
            projection.Accept(entry);
        }

        return projection;
    }

    /// <summary>
    /// An empty projection to rebuild from a snapshot's entries as they are read (<see cref="Accept"/>), with no
    /// list of them made first. Not to be used if reading them fails part way.
    /// </summary>
    /// <param name="jsonExpansion">The limits the snapshot's outputs were produced under.</param>
    /// <param name="entryCount">How many entries the snapshot holds: the table is sized for them once.</param>
    /// <param name="revision">The highest revision the snapshot includes.</param>
    /// <param name="streamCreated">When the bucket's stream was created.</param>
    public static BucketProjection BeginRestore(JsonExpansionLimits? jsonExpansion, int entryCount, ulong revision, DateTimeOffset streamCreated) =>
        new(jsonExpansion, entryCount) { Revision = revision, StreamCreated = streamCreated };

    /// <summary>Takes one snapshot entry into a projection being restored (<see cref="BeginRestore"/>).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // once per process, over every key
    public void Accept(in SnapshotEntry entry)
    {
        // Conflicts were reported when the entries were first read; resolving them again needs no second warning.
        if (entry.OutputCount == 0 || RestorePlain(entry) || !_keys.TryAdd(entry.Key, KeyState.Of(entry.Revision, entry.Outputs)))
        {
            return;
        }

        LiveKeyCount++;
        foreach (var (path, value) in entry.Outputs)
        {
            _ = AddOwner(new PathOwner(path, entry.Key, entry.Revision, value));
        }
    }

    // Takes a snapshot entry into the plain table when it belongs there, or when its key is already there (a
    // repeated key, which only a damaged file holds: the first one stays, as in _keys).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // once per process, over every key
    private bool RestorePlain(in SnapshotEntry entry)
    {
        if (entry.PlainPath is { } plainPath)
        {
            // A plain key's entry, as the file's reader found it: no key string to check, the path says it all.
            if (_keys.Count > 0 && KnowsKeyOfPlainPath(plainPath))
            {
                return false;
            }

            if (_owners.Count > 0 && _owners.ContainsKey(plainPath))
            {
                return TryFindPlain(plainPath, out var heldPlain) && string.Equals(heldPlain.Path, plainPath, StringComparison.Ordinal);
            }

            // One look-up, not a find and then an add: Restore writes the table before it is ever published.
            if (_table.TryAdd(PathEntry.Plain(plainPath, entry.PlainValue, entry.Revision)))
            {
                _plainCount++;
                LiveKeyCount++;
                return true;
            }

            // Held already: the same key again (only a damaged file repeats one), or a path differing in case.
            return TryFindPlain(plainPath, out var existing) && string.Equals(existing.Path, plainPath, StringComparison.Ordinal);
        }

        if (entry.Key.Contains('=', StringComparison.Ordinal) || (_keys.Count > 0 && _keys.ContainsKey(entry.Key)))
        {
            return false;
        }

        if (entry.Outputs is not [var (path, value)] || !IsPlainPair(entry.Key, path))
        {
            return TryFindPlain(entry.Key.Replace('.', ':'), out var same) && IsPlainPair(entry.Key, same.Path);
        }

        if (TryFindPlain(path, out var held))
        {
            return string.Equals(held.Path, path, StringComparison.Ordinal);
        }

        if (_owners.ContainsKey(path))
        {
            return false;
        }

        AddPlain(PathEntry.Plain(path, value, entry.Revision));
        LiveKeyCount++;
        return true;
    }

    // Whether path is what TryToPath gives for key, and key is what ToKey gives for path: a plain key (IsPlainKey)
    // whose dots are the path's colons. Checked without mapping, as a restore maps no key.
    private static bool IsPlainPair(string key, string path)
    {
        if (key.Length != path.Length || !NatsKvKeyMapper.IsPlainKey(key))
        {
            return false;
        }

        for (var i = 0; i < key.Length; i++)
        {
            if (path[i] != (key[i] == '.' ? ':' : key[i]))
            {
                return false;
            }
        }

        return true;
    }

    // The key a plain value belongs to.
    private static string KeyOf(string plainPath) => plainPath.Replace(':', '.');

    private bool TryFindPlain(string path, out PathEntry found) => TryFindEntry(path, out found) && !found.IsOwned;

    // The path's entry as it stands: in _delta when changed since the table was published, else in the table.
    private bool TryFindEntry(string path, out PathEntry entry)
    {
        if (!_delta.IsEmpty && _delta.TryGet(path, long.MaxValue, out var slot))
        {
            entry = slot.Entry;
            return !slot.Removed;
        }

        return _table.TryGet(path, out entry);
    }

    // Every entry as it stands, each path once: those of a revision below `below`, when given.
    private IEnumerable<PathEntry> CurrentEntries(ulong below = ulong.MaxValue)
    {
        foreach (var entry in _table)
        {
            // The revision first: it is in the entry, where a look-up in the changes since would be a hash each.
            if (entry.Revision < below && (_delta.IsEmpty || !_delta.Contains(entry.Path, long.MaxValue)))
            {
                yield return entry;
            }
        }

        foreach (var (_, slot) in _delta.Entries(long.MaxValue))
        {
            if (!slot.Removed && slot.Entry.Revision < below)
            {
                yield return slot.Entry;
            }
        }
    }

    private void SetEntry(in PathEntry entry)
    {
        if (_published)
        {
            _delta.Set(entry.Path, new PathSlot(entry, Removed: false));
        }
        else
        {
            _table.Set(entry);
        }
    }

    private void RemoveEntry(string path)
    {
        if (!_published)
        {
            _table.Remove(path);
        }
        else if (_table.Contains(path) || _delta.Contains(path, long.MaxValue))
        {
            _delta.Set(path, PathSlot.Gone);
        }
    }

    private void AddPlain(in PathEntry entry)
    {
        SetEntry(entry);
        _plainCount++;
    }

    private void RemovePlain(string path)
    {
        RemoveEntry(path);
        _plainCount--;
    }

    // Makes the path's owned entry say what _owners says: written when it has an owner, removed when it has none.
    private void SyncOwned(string path)
    {
        if (_owners.TryGetValue(path, out var owner))
        {
            if (!TryFindEntry(path, out var current) || !current.IsOwned
                || !string.Equals(current.Value, owner.Value, StringComparison.Ordinal)
                || !string.Equals(current.Path, owner.Path, StringComparison.Ordinal))
            {
                SetEntry(PathEntry.Owned(owner.Path, owner.Value));
            }
        }
        else if (TryFindEntry(path, out var current) && current.IsOwned)
        {
            RemoveEntry(path);
        }
    }

    // Once the changes since the table was published outgrow a quarter of it, merges them into a new table and
    // returns it (readers' views move to it with the batch); else null. An O(n) copy every n/4 changes.
    private PathTable? RebaseIfDue() =>
        _published && _delta.VersionCount >= RebaseThreshold ? Rebase() : null;

    // A quarter of the table: O(n) copies every n/4 changes keep a change O(1) amortised, and the versions a merge
    // lets go within a quarter of the table's memory.
    private int RebaseThreshold => Math.Max(MinimumDeltaBeforeRebase, _table.Count / 4);

    private PathTable Rebase()
    {
        var table = _table.Copy();
        foreach (var (path, slot) in _delta.Entries(long.MaxValue))
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

        _table = table;
        _delta = new PathVersions(RebaseThreshold);
        Rebases++;
        return table;
    }

    /// <summary>Every key with a value, and what it produced, for a snapshot. Deleted keys are left out.</summary>
    public List<SnapshotEntry> Export()
    {
        var entries = new List<SnapshotEntry>(LiveKeyCount);
        foreach (var plain in CurrentEntries())
        {
            if (!plain.IsOwned)
            {
                entries.Add(SnapshotEntry.Plain(plain.Path, plain.Value, plain.Revision));
            }
        }

        foreach (var (key, state) in _keys)
        {
            if (state.Count > 0)
            {
                entries.Add(new SnapshotEntry(key, state.Revision, state.ToArray()));
            }
        }

        return entries;
    }

    /// <summary>
    /// Applies changes in revision order on top of <paramref name="view"/>. An entry older than what the key
    /// already holds is ignored. Returns the new view (the same instance when nothing visible changed).
    /// </summary>
    public ConfigurationView Apply(IEnumerable<KvChange> changes, ConfigurationView view, List<ProjectionWarning> warnings)
    {
        // One thread applies: the working sets are reused from batch to batch rather than made for each.
        var dirty = _dirty;
        dirty.Clear();
        foreach (var change in changes)
        {
            ApplyOne(change, dirty, warnings);
        }

        return ViewAfter(dirty, view);
    }

    /// <summary>
    /// Removes every key whose latest revision is below <paramref name="firstRevision"/>, the stream's first
    /// sequence: its message is gone (the stream was purged, or it expired), so the bucket no longer holds it.
    /// Delete markers below it go too: no older entry of their key can arrive any more. Keys in
    /// <paramref name="spared"/> have newer changes on their way and stay. Returns the new view.
    /// </summary>
    public ConfigurationView Prune(ulong firstRevision, IReadOnlyCollection<string> spared, ConfigurationView view, out int removedKeys)
    {
        removedKeys = 0;
        var dirty = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        List<string>? lost = null;
        foreach (var (key, state) in _keys)
        {
            if (state.Revision < firstRevision && !spared.Contains(key))
            {
                (lost ??= []).Add(key);
            }
        }

        foreach (var key in lost ?? [])
        {
            var state = _keys[key];
            _keys.Remove(key);
            foreach (var (path, _) in state)
            {
                RemoveOwner(path, key);
                dirty.Add(path);
            }

            if (state.Count > 0)
            {
                LiveKeyCount--;
                removedKeys++;
            }
        }

        List<PathEntry>? lostPlain = null;
        foreach (var plain in CurrentEntries(below: firstRevision))
        {
            // The key is rebuilt only to ask the few spared keys: usually there are none.
            if (!plain.IsOwned && (spared.Count == 0 || !spared.Contains(KeyOf(plain.Path))))
            {
                (lostPlain ??= []).Add(plain);
            }
        }

        foreach (var plain in lostPlain ?? [])
        {
            RemovePlain(plain.Path);
            dirty.Add(plain.Path);
            LiveKeyCount--;
            removedKeys++;
        }

        return ViewAfter(dirty, view);
    }

    // The view after the paths in dirty changed: the table's owned entries are brought up to date first. A
    // published projection hands the view its table and changes (the next table, when a rebase is due); one not
    // yet published writes what changed into the view's own layers.
    private ConfigurationView ViewAfter(HashSet<string> dirty, ConfigurationView view)
    {
        if (dirty.Count == 0)
        {
            return view;
        }

        var set = _set;
        var removed = _removed;
        var touched = _touched;
        set.Clear();
        removed.Clear();
        touched.Clear();
        foreach (var path in dirty)
        {
            SyncOwned(path);
            var hadValue = view.TryGetValue(path, out var oldValue);
            var has = TryFindEntry(path, out var now);
            touched.Add((has ? now.Path : path, hadValue, has));
            if (has)
            {
                if (!hadValue || !string.Equals(oldValue, now.Value, StringComparison.Ordinal))
                {
                    set.Add(new KeyValuePair<string, string?>(now.Path, now.Value));
                }
            }
            else if (hadValue)
            {
                removed.Add(path);
            }
        }

        if (!_published)
        {
            return view.With(set, removed);
        }

        // Nothing readers see changed (a put of the same value): the view stays, and so does its table until a rebase.
        var rebased = RebaseIfDue();
        var next = set.Count == 0 && removed.Count == 0 && rebased is null ? view : view.Publish(_table, _delta, _delta.Publish(), touched);
        if (touched.Count > MaxKeptBatchPaths)
        {
            _dirty = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            (_set, _removed, _touched) = ([], [], []);
        }

        return next;
    }

    /// <summary>
    /// Replaces everything with <paramref name="changes"/>, the complete state of the bucket (after it was
    /// recreated, say), and returns a view of exactly that.
    /// </summary>
    public ConfigurationView Replace(IEnumerable<KvChange> changes, List<ProjectionWarning> warnings)
    {
        _table = new PathTable();
        _delta = new PathVersions();
        _published = false;
        _plainCount = 0;
        _keys.Clear();
        _owners.Clear();
        _contested.Clear();
        Revision = 0;
        LiveKeyCount = 0;
        Stage(changes, warnings);
        return BuildView();
    }

    /// <summary>Applies changes of a full state being read, without producing a view (nobody sees it yet).</summary>
    public void Stage(IEnumerable<KvChange> changes, List<ProjectionWarning> warnings)
    {
        if (_published)
        {
            // Staged onto a table readers already share: through _delta, with owned entries kept up to date.
            var dirty = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var change in changes)
            {
                ApplyOne(change, dirty, warnings);
            }

            foreach (var path in dirty)
            {
                SyncOwned(path);
            }

            return;
        }

        // A full state arrives as a list: walked in place, with no enumerator and no copy of each entry.
        switch (changes)
        {
            case FullStateBuffer buffer:
                StageBuffered(buffer, warnings);
                break;
            case List<KvChange> list:
                StageAll(CollectionsMarshal.AsSpan(list), warnings);
                break;
            case KvChange[] array:
                StageAll(array, warnings);
                break;
            default:
                foreach (var change in changes)
                {
                    ApplyOne(change, dirty: null, warnings);
                }

                break;
        }
    }

    private void StageAll(ReadOnlySpan<KvChange> changes, List<ProjectionWarning> warnings)
    {
        foreach (ref readonly var change in changes)
        {
            ApplyOne(change, dirty: null, warnings);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // once per process, over every key
    private void StageBuffered(FullStateBuffer buffer, List<ProjectionWarning> warnings)
    {
        for (var i = 0; i < buffer.Count; i++)
        {
            if (!TryStagePlain(buffer, i))
            {
                ApplyOne(buffer[i], dirty: null, warnings);
            }
        }
    }

    // Stages the entry at index straight into the plain table when it plainly belongs there: a put of a key
    // of plain characters, not seen before, whose valid UTF-8 value stays one string at a path nobody holds.
    // Most entries of a full state are such: their path is made from the buffered key without a key string,
    // and the rest take the general way, which decides everything else (and warns).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // once per process, over every key
    private bool TryStagePlain(FullStateBuffer buffer, int index)
    {
        if (buffer.IsDeleteAt(index))
        {
            return false;
        }

        var key = buffer.KeyAt(index);
        var value = buffer.ValueAt(index).Span;
        if (!NatsKvKeyMapper.IsPlainKey(key) || (_jsonExpansion is not null && JsonValueExpander.LooksLikeJson(value)) || !StrictUtf8.IsValid(value) || KnowsKey(key))
        {
            return false;
        }

        var path = string.Create(key.Length, buffer.KeyLocation(index), static (destination, location) =>
            location.Chunk.GetSpan().Slice(location.Offset, location.Length).Replace(destination, '.', ':'));
        if (_owners.Count > 0 && _owners.ContainsKey(path))
        {
            return false;
        }

        var revision = buffer.RevisionAt(index);
        if (!_table.TryAdd(PathEntry.Plain(path, Encoding.UTF8.GetString(value), revision)))
        {
            return false; // the path is held already (the same key again, or one that differs in case)
        }

        Revision = Math.Max(Revision, revision);
        LiveKeyCount++;
        _plainCount++;
        return true;
    }

    // Whether _keys holds the plain key whose path is plainPath, looked up without making its string where possible.
    private bool KnowsKeyOfPlainPath(string plainPath)
    {
        const int MaxStackKey = 256;
        var rented = plainPath.Length > MaxStackKey ? System.Buffers.ArrayPool<char>.Shared.Rent(plainPath.Length) : null;
        try
        {
            var key = (rented ?? stackalloc char[MaxStackKey])[..plainPath.Length];
            plainPath.AsSpan().Replace(key, ':', '.');
            return KnowsKey(key);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    // Whether _keys holds the key (a delete marker, say), looked up without making a string where that is possible.
    private bool KnowsKey(ReadOnlySpan<char> key)
    {
        if (_keys.Count == 0)
        {
            return false;
        }

#if NET9_0_OR_GREATER
        return _keys.GetAlternateLookup<ReadOnlySpan<char>>().ContainsKey(key);
#else
        return _keys.ContainsKey(key.ToString());
#endif
    }

    /// <summary>
    /// A view of everything applied so far, over the table itself: from now on the table is the readers' as well,
    /// and never written again (later changes go to a delta, and views move to each new table).
    /// </summary>
    public ConfigurationView BuildView()
    {
        if (_published)
        {
            return ConfigurationView.Over(_delta.IsEmpty ? _table : Rebase());
        }

        // Owned entries are written once here rather than as each staged change moved them.
        foreach (var owner in _owners.Values)
        {
            _table.Set(PathEntry.Owned(owner.Path, owner.Value));
        }

        _published = true;
        return ConfigurationView.Over(_table);
    }

    private void ApplyOne(in KvChange change, HashSet<string>? dirty, List<ProjectionWarning> warnings)
    {
        Revision = Math.Max(Revision, change.Revision);
        var known = _keys.TryGetValue(change.Key, out var state);
        if (known && state.Revision >= change.Revision)
        {
            return; // never apply an older revision of a key over a newer one
        }

        if (!NatsKvKeyMapper.TryToPath(change.Key, out var path, out var error))
        {
            warnings.Add(new ProjectionWarning(ProjectionWarningKind.MalformedKey, change.Key, change.Revision, error));
            return;
        }

        // A key without escapes may be held in the plain table under its path, spelled exactly as it maps.
        var plainKey = !change.Key.Contains('=', StringComparison.Ordinal);
        PathEntry held = default;
        var pathIsPlain = plainKey && TryFindPlain(path, out held);
        var heldPlain = pathIsPlain && string.Equals(held.Path, path, StringComparison.Ordinal);
        if (heldPlain && held.Revision >= change.Revision)
        {
            return;
        }

        KeyState next;
        if (change.IsDelete)
        {
            next = new KeyState(change.Revision);
        }
        else if (!StrictUtf8.IsValid(change.Value.Span))
        {
            // Checked without decoding: the value may expand as JSON from its bytes, never becoming one string.
            warnings.Add(new ProjectionWarning(ProjectionWarningKind.InvalidUtf8, change.Key, change.Revision));
            return;
        }
        else
        {
            next = Project(change, path, warnings);
        }

        if (heldPlain)
        {
            dirty?.Add(held.Path);
            if (next.IsOnly(path))
            {
                // The held spelling is the same string: kept, so that the one just mapped dies young.
                SetEntry(PathEntry.Plain(held.Path, next.OnlyValue, change.Revision));
                return;
            }

            RemovePlain(held.Path);

            // Deleted, or expanded into JSON: the key moves to _keys, below, as a key that held nothing.
            LiveKeyCount--;
        }
        else if (plainKey && !pathIsPlain && (!known || state.Count == 0) && next.IsOnly(path) && !_owners.ContainsKey(path))
        {
            if (known)
            {
                _keys.Remove(change.Key); // a delete marker gives way to the newer value
            }

            AddPlain(PathEntry.Plain(path, next.OnlyValue, change.Revision));
            LiveKeyCount++;
            dirty?.Add(path);
            return;
        }

        if (known)
        {
            foreach (var (oldPath, _) in state)
            {
                RemoveOwner(oldPath, change.Key);
                dirty?.Add(oldPath);
            }

            if (state.Count > 0)
            {
                LiveKeyCount--;
            }
        }

        // One warning per entry, however many of its paths conflict: a JSON value of 100,000 elements whose
        // twin differs only in case would otherwise log 100,000 lines.
        ProjectionWarning? firstConflict = null;
        var conflicts = 0;
        foreach (var (newPath, value) in next)
        {
            if (AddOwner(new PathOwner(newPath, change.Key, change.Revision, value)) is { } conflict)
            {
                firstConflict ??= conflict;
                conflicts++;
            }

            dirty?.Add(newPath);
        }

        if (firstConflict is { } first)
        {
            warnings.Add(first with { PathCount = conflicts });
        }

        if (next.Count > 0)
        {
            LiveKeyCount++;
        }

        _keys[change.Key] = next;
    }

    // The value's outputs: its JSON expansion when it expands, else itself as a string. Its bytes are valid UTF-8.
    private KeyState Project(in KvChange change, string path, List<ProjectionWarning> warnings)
    {
        // JSON is parsed from the entry's own bytes: decoding it to a string only for the parser to encode it
        // back would cost a copy of each way.
        if (_jsonExpansion is { } limits && JsonValueExpander.LooksLikeJson(change.Value.Span))
        {
            var expanded = _expanded ??= [];
            var outcome = JsonValueExpander.Expand(path, change.Value, limits, expanded);
            if (outcome == JsonExpansionOutcome.Expanded)
            {
                var state = KeyState.Of(change.Revision, expanded);
                ReleaseExpanded(expanded);
                return state;
            }

            ReleaseExpanded(expanded);
            warnings.Add(outcome == JsonExpansionOutcome.Invalid
                ? new ProjectionWarning(ProjectionWarningKind.InvalidJson, change.Key, change.Revision)
                : new ProjectionWarning(ProjectionWarningKind.JsonOverLimit, change.Key, change.Revision, limits.Describe(outcome)));
        }

        return new KeyState(change.Revision, path, Encoding.UTF8.GetString(change.Value.Span));
    }

    // Empties the reused expansion list, and lets a large one go rather than hold its array for good.
    private void ReleaseExpanded(List<KeyValuePair<string, string?>> expanded)
    {
        if (expanded.Capacity > MaxKeptExpansion)
        {
            _expanded = null;
            return;
        }

        expanded.Clear();
    }

    // Returns the conflict when another key already maps to the same path.
    private ProjectionWarning? AddOwner(PathOwner candidate)
    {
        // A plain value at the path now has a rival: it moves to _keys and _owners, where conflicts are resolved.
        if (_plainCount > 0 && TryFindPlain(candidate.Path, out var plain))
        {
            RemovePlain(plain.Path);
            var key = KeyOf(plain.Path);
            _keys.Add(key, new KeyState(plain.Revision, plain.Path, plain.Value));
            _owners.Add(plain.Path, new PathOwner(plain.Path, key, plain.Revision, plain.Value));
        }

        // One lookup finds the path's owner or makes room for it; _contested is another dictionary, so the slot
        // stays valid below. Like the indexer, writing it keeps the key first stored for the path.
        ref var owner = ref CollectionsMarshal.GetValueRefOrAddDefault(_owners, candidate.Path, out var owned);
        if (!owned)
        {
            owner = candidate;
            return null;
        }

        var current = owner;
        if (!_contested.TryGetValue(candidate.Path, out var contenders))
        {
            contenders = [current];
            _contested[candidate.Path] = contenders;
        }

        contenders.Add(candidate);
        var winner = candidate.Revision > current.Revision ? candidate : current;
        owner = winner;
        var loser = string.Equals(winner.Key, candidate.Key, StringComparison.Ordinal) ? current : candidate;
        return new ProjectionWarning(ProjectionWarningKind.PathConflict, winner.Key, winner.Revision, candidate.Path, loser.Key);
    }

    private void RemoveOwner(string path, string key)
    {
        if (_contested.TryGetValue(path, out var contenders))
        {
            contenders.RemoveAll(c => string.Equals(c.Key, key, StringComparison.Ordinal));
            if (contenders.Count == 0)
            {
                _contested.Remove(path);
                _owners.Remove(path);
                return;
            }

            var winner = contenders[0];
            foreach (var contender in contenders)
            {
                if (contender.Revision > winner.Revision)
                {
                    winner = contender;
                }
            }

            _owners[path] = winner;
            if (contenders.Count == 1)
            {
                _contested.Remove(path);
            }

            return;
        }

        _owners.Remove(path);
    }

    /// <summary>
    /// What one key last contributed: its revision and the paths and values it produced. A single output (every
    /// plain value) is held inline, so most keys cost no array; only a JSON value of several outputs has one.
    /// The default is a delete marker at revision 0.
    /// </summary>
    private readonly struct KeyState
    {
        // The single output, when there is exactly one; otherwise _path is null and _outputs holds them, if any.
        private readonly string? _path;
        private readonly string? _value;
        private readonly KeyValuePair<string, string?>[]? _outputs;

        /// <summary>A delete marker.</summary>
        public KeyState(ulong revision) => Revision = revision;

        /// <summary>One value at one path.</summary>
        public KeyState(ulong revision, string path, string? value)
        {
            Revision = revision;
            _path = path;
            _value = value;
        }

        private KeyState(ulong revision, KeyValuePair<string, string?>[] outputs)
        {
            Revision = revision;
            _outputs = outputs;
        }

        public ulong Revision { get; }

        /// <summary>How many paths the key supplies: 0 for a delete marker.</summary>
        public int Count => _path is not null ? 1 : _outputs?.Length ?? 0;

        /// <summary>The state of a key that produced <paramref name="outputs"/>, which it keeps when they are several.</summary>
        public static KeyState Of(ulong revision, KeyValuePair<string, string?>[] outputs) => outputs.Length switch
        {
            0 => new KeyState(revision),
            1 => new KeyState(revision, outputs[0].Key, outputs[0].Value),
            _ => new KeyState(revision, outputs),
        };

        /// <summary>The state of a key that produced <paramref name="outputs"/>, copied when they are several.</summary>
        public static KeyState Of(ulong revision, List<KeyValuePair<string, string?>> outputs) =>
            outputs.Count == 1 ? new KeyState(revision, outputs[0].Key, outputs[0].Value) : Of(revision, outputs.ToArray());

        /// <summary>Whether the key supplies exactly one path, spelled as <paramref name="path"/>.</summary>
        public bool IsOnly(string path) => string.Equals(_path, path, StringComparison.Ordinal);

        /// <summary>The value of the single output, when there is one.</summary>
        public string? OnlyValue => _value;

        /// <summary>The outputs, as a snapshot holds them.</summary>
        public KeyValuePair<string, string?>[] ToArray() =>
            _path is not null ? [new KeyValuePair<string, string?>(_path, _value)] : _outputs ?? [];

        public Enumerator GetEnumerator() => new(this);

        /// <summary>Walks the outputs without allocating.</summary>
        public struct Enumerator(KeyState state)
        {
            private int _index = -1;

            public readonly KeyValuePair<string, string?> Current =>
                state._outputs is { } outputs ? outputs[_index] : new KeyValuePair<string, string?>(state._path!, state._value);

            public bool MoveNext() => ++_index < state.Count;
        }
    }

    /// <summary>One key's claim on one path.</summary>
    private readonly record struct PathOwner(string Path, string Key, ulong Revision, string? Value);

}
