using System.Text;

namespace NatsKvConfig;

/// <summary>
/// Turns KV entries into configuration values: maps keys to paths, expands JSON values, keeps the newest
/// revision of every key, and decides which key wins a path that several keys map to.
/// Owned by the single thread that applies batches; readers only ever see the <see cref="ConfigurationView"/>
/// it produces.
/// </summary>
internal sealed class BucketProjection
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // How JSON values expand, or null when they stay plain strings.
    private readonly JsonExpansionLimits? _jsonExpansion;

    // What each key (case-sensitive, as NATS sees it) last contributed. Deleted keys stay as tombstones
    // carrying their revision, so an older put can never resurrect them.
    private readonly Dictionary<string, KeyState> _keys;

    // For each path (case-insensitive, as configuration sees it), the key that supplies its value.
    private readonly Dictionary<string, PathOwner> _owners;

    // Only paths that more than one key maps to: every contender, the winner included.
    private readonly Dictionary<string, List<PathOwner>> _contested = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="jsonExpansion">The limits within which JSON object and array values expand into child paths, or
    /// <see langword="null"/> to keep every value a plain string.</param>
    /// <param name="expectedKeys">How many keys the full state about to be staged holds, if known: sizing the
    /// dictionaries once spares rehashing them as they grow.</param>
    public BucketProjection(JsonExpansionLimits? jsonExpansion, int expectedKeys = 0)
    {
        _keys = new Dictionary<string, KeyState>(expectedKeys, StringComparer.Ordinal);
        _owners = new Dictionary<string, PathOwner>(expectedKeys, StringComparer.OrdinalIgnoreCase);
        _jsonExpansion = jsonExpansion;
    }

    /// <summary>The highest revision applied so far (stale entries included, since they were read).</summary>
    public ulong Revision { get; private set; }

    /// <summary>How many keys currently have a value.</summary>
    public int LiveKeyCount { get; private set; }

    /// <summary>How many keys are tracked: those with a value, and delete markers not yet pruned.</summary>
    public int KeyCount => _keys.Count;

    /// <summary>When the bucket's stream was created, as the watch saw it when this state was read.</summary>
    public DateTimeOffset StreamCreated { get; set; }

    /// <summary>
    /// Rebuilds a projection from a snapshot's entries: their paths and values were produced by this class
    /// before, so no key is mapped and no JSON parsed again.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // once per process, over every key
    public static BucketProjection Restore(ConfigurationSnapshot snapshot)
    {
        var projection = new BucketProjection(snapshot.JsonExpansion, snapshot.Entries.Count)
        {
            Revision = snapshot.Revision,
            StreamCreated = snapshot.StreamCreated,
        };

        // Conflicts were reported when the entries were first read; resolving them again needs no second warning.
        foreach (var entry in snapshot.Entries)
        {
            if (entry.Outputs.Length == 0 || !projection._keys.TryAdd(entry.Key, new KeyState(entry.Revision, entry.Outputs)))
            {
                continue;
            }

            projection.LiveKeyCount++;
            foreach (var (path, value) in entry.Outputs)
            {
                _ = projection.AddOwner(new PathOwner(path, entry.Key, entry.Revision, value));
            }
        }

        return projection;
    }

    /// <summary>Every key with a value, and what it produced, for a snapshot. Deleted keys are left out.</summary>
    public List<SnapshotEntry> Export()
    {
        var entries = new List<SnapshotEntry>(LiveKeyCount);
        foreach (var (key, state) in _keys)
        {
            if (state.Outputs.Length > 0)
            {
                entries.Add(new SnapshotEntry(key, state.Revision, state.Outputs));
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
        var dirty = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
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
            foreach (var (path, _) in state.Outputs)
            {
                RemoveOwner(path, key);
                dirty.Add(path);
            }

            if (state.Outputs.Length > 0)
            {
                LiveKeyCount--;
                removedKeys++;
            }
        }

        return ViewAfter(dirty, view);
    }

    // The view with the paths in dirty set to what their owners give now, or removed when none does.
    private ConfigurationView ViewAfter(HashSet<string> dirty, ConfigurationView view)
    {
        if (dirty.Count == 0)
        {
            return view;
        }

        var set = new List<KeyValuePair<string, string?>>();
        var removed = new List<string>();
        foreach (var path in dirty)
        {
            var hadValue = view.TryGetValue(path, out var oldValue);
            if (_owners.TryGetValue(path, out var owner))
            {
                if (!hadValue || !string.Equals(oldValue, owner.Value, StringComparison.Ordinal))
                {
                    set.Add(new KeyValuePair<string, string?>(owner.Path, owner.Value));
                }
            }
            else if (hadValue)
            {
                removed.Add(path);
            }
        }

        return view.With(set, removed);
    }

    /// <summary>
    /// Replaces everything with <paramref name="changes"/>, the complete state of the bucket (after it was
    /// recreated, say), and returns a view of exactly that.
    /// </summary>
    public ConfigurationView Replace(IEnumerable<KvChange> changes, List<ProjectionWarning> warnings)
    {
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
        foreach (var change in changes)
        {
            ApplyOne(change, dirty: null, warnings);
        }
    }

    /// <summary>A view of everything applied so far.</summary>
    public ConfigurationView BuildView() =>
        ConfigurationView.From(_owners.Values.Select(o => new KeyValuePair<string, string?>(o.Path, o.Value)), _owners.Count);

    private void ApplyOne(KvChange change, HashSet<string>? dirty, List<ProjectionWarning> warnings)
    {
        Revision = Math.Max(Revision, change.Revision);

        var hasOld = _keys.TryGetValue(change.Key, out var old);
        if (hasOld && old.Revision >= change.Revision)
        {
            return; // never apply an older revision of a key over a newer one
        }

        if (!NatsKvKeyMapper.TryToPath(change.Key, out var path, out var error))
        {
            warnings.Add(new ProjectionWarning(ProjectionWarningKind.MalformedKey, change.Key, change.Revision, error));
            return;
        }

        KeyValuePair<string, string?>[] outputs;
        if (change.IsDelete)
        {
            outputs = [];
        }
        else if (!TryDecode(change.Value.Span, out var text))
        {
            warnings.Add(new ProjectionWarning(ProjectionWarningKind.InvalidUtf8, change.Key, change.Revision));
            return;
        }
        else
        {
            outputs = Project(change, path, text, warnings);
        }

        if (hasOld)
        {
            foreach (var (oldPath, _) in old.Outputs)
            {
                RemoveOwner(oldPath, change.Key);
                dirty?.Add(oldPath);
            }

            if (old.Outputs.Length > 0)
            {
                LiveKeyCount--;
            }
        }

        // One warning per entry, however many of its paths conflict: a JSON value of 100,000 elements whose
        // twin differs only in case would otherwise log 100,000 lines.
        ProjectionWarning? firstConflict = null;
        var conflicts = 0;
        foreach (var (newPath, value) in outputs)
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

        if (outputs.Length > 0)
        {
            LiveKeyCount++;
        }

        _keys[change.Key] = new KeyState(change.Revision, outputs);
    }

    private KeyValuePair<string, string?>[] Project(KvChange change, string path, string text, List<ProjectionWarning> warnings)
    {
        if (_jsonExpansion is { } limits && JsonValueExpander.LooksLikeJson(text))
        {
            var expanded = new List<KeyValuePair<string, string?>>();
            var outcome = JsonValueExpander.Expand(path, text, limits, expanded);
            if (outcome == JsonExpansionOutcome.Expanded)
            {
                return [.. expanded];
            }

            warnings.Add(outcome == JsonExpansionOutcome.Invalid
                ? new ProjectionWarning(ProjectionWarningKind.InvalidJson, change.Key, change.Revision)
                : new ProjectionWarning(ProjectionWarningKind.JsonOverLimit, change.Key, change.Revision, limits.Describe(outcome)));
        }

        return [new KeyValuePair<string, string?>(path, text)];
    }

    private static bool TryDecode(ReadOnlySpan<byte> bytes, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }

    // Returns the conflict when another key already maps to the same path.
    private ProjectionWarning? AddOwner(PathOwner candidate)
    {
        if (!_owners.TryGetValue(candidate.Path, out var current))
        {
            _owners[candidate.Path] = candidate;
            return null;
        }

        if (!_contested.TryGetValue(candidate.Path, out var contenders))
        {
            contenders = [current];
            _contested[candidate.Path] = contenders;
        }

        contenders.Add(candidate);
        var winner = candidate.Revision > current.Revision ? candidate : current;
        _owners[candidate.Path] = winner;
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

    /// <summary>What one key last contributed: its revision and the paths and values it produced.</summary>
    private readonly record struct KeyState(ulong Revision, KeyValuePair<string, string?>[] Outputs);

    /// <summary>One key's claim on one path.</summary>
    private readonly record struct PathOwner(string Path, string Key, ulong Revision, string? Value);
}
