using System.Threading.Channels;

namespace NatsKvConfig;

/// <summary>
/// Changes read from the watch and not yet applied. Live changes are kept as the newest entry per key, so a
/// burst of any size costs memory in proportion to the keys it touches and is applied as one batch. With a
/// sentinel key held to (<see cref="HoldUntilSentinel"/>), live changes are released only by a change of the
/// sentinel key, exactly those up to it: changes on either side of a sentinel change are never merged.
/// </summary>
/// <remarks>
/// This is the provider's life cycle, one state machine in one type (<see cref="BucketPhase"/>): the watch reports
/// what it reads (begin a full state or a catch-up, entries, their end, where the stream now starts), and the
/// apply loop drains batches that say what they are. The watch loop adds; the apply loop waits for a signal and
/// drains everything pending at once. A full state
/// (the initial load, or a reload after the bucket was replaced) arrives in revision order with each key once,
/// and is handed out in parts as it arrives, so the apply loop can stage it while the rest streams in; it is
/// shown to readers only once complete.
/// </remarks>
internal sealed class PendingChanges : IDisposable
{
    // A full state is handed to the apply loop in parts of this many entries, so staging overlaps the network
    // read: big enough that waking the loop is cheap per entry. With two cores or fewer, NATS.Net's own watch
    // keeps them busy and staging alongside it only adds contention (measured on a 2-core machine: slower,
    // not faster), so the whole state is handed over once complete.
    private static readonly int DefaultFullStatePartSize = Environment.ProcessorCount > 2 ? 1024 : int.MaxValue;

    // A hint beyond this (the watch's Delta, from the server) is not trusted to size an array up front.
    private const int MaxPresizedEntries = 4_000_000;
    private readonly int _fullStatePartSize;

    private readonly object _gate = new();
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private Dictionary<string, KvChange> _byKey = new(StringComparer.Ordinal);

    // With a sentinel key: the live changes up to and including its latest change, released to be applied;
    // _byKey then holds those after it, held back until the sentinel changes again.
    private Dictionary<string, KvChange> _released = new(StringComparer.Ordinal);
    private string? _sentinelKey;
    private ulong _releasedRevision;

    // Set once the stream's first sequence is seen above a revision that may still be held: every key whose
    // latest revision is below it has lost its message (a purge, an expiry). Handed out once the watch has
    // delivered everything up to Through, so no newer message of such a key can still be on its way.
    private (ulong FirstRevision, ulong Through)? _pruneRequest;
    private ulong _prunedBelow;
    private bool _fullStatePartHandedOut;
    private FullStateBuffer _fullState = new();
    private bool _disposed;
    private BucketPhase _phase = BucketPhase.ReadingFullState;
    private int _generation;
    private int _fullStateSize;
    private DateTimeOffset _streamCreated;

    /// <summary>Creates the pending changes of one provider.</summary>
    /// <param name="fullStatePartSize">How many entries of a full state make a part; by default 1,024 with more
    /// than two cores, else the whole state at once (see above).</param>
    public PendingChanges(int? fullStatePartSize = null)
    {
        _fullStatePartSize = fullStatePartSize ?? DefaultFullStatePartSize;
    }

    /// <summary>The highest revision added so far.</summary>
    public ulong Revision { get; private set; }

    /// <summary>
    /// The highest revision added that is to be applied: <see cref="Revision"/>, except for changes held back until
    /// the sentinel key changes, which do not count as behind.
    /// </summary>
    public ulong ReleasableRevision
    {
        get
        {
            lock (_gate)
            {
                return _sentinelKey is null ? Revision : _releasedRevision;
            }
        }
    }

    /// <summary>How many keys have live changes held back until the sentinel key changes.</summary>
    public int HeldBackCount
    {
        get
        {
            lock (_gate)
            {
                return _sentinelKey is null ? 0 : _byKey.Count;
            }
        }
    }

    /// <summary>Whether nothing is waiting to be applied.</summary>
    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return (_sentinelKey is not null || _byKey.Count == 0) && _released.Count == 0 && _fullState.Count == 0
                    && _phase is not (BucketPhase.FullStateRead or BucketPhase.CaughtUp) && !PruneIsDue;
            }
        }
    }

    /// <summary>How many entries wait: live changes once per key, plus a full state's entries.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byKey.Count + _released.Count + _fullState.Count;
            }
        }
    }

    /// <summary>Where the life cycle stands (see <see cref="BucketPhase"/> for its states and transitions).</summary>
    public BucketPhase Phase
    {
        get
        {
            lock (_gate)
            {
                return _phase;
            }
        }
    }

    /// <summary>Whether a full state is being read and not yet complete.</summary>
    public bool IsReadingFullState
    {
        get
        {
            lock (_gate)
            {
                return _phase == BucketPhase.ReadingFullState;
            }
        }
    }

    /// <summary>Whether the changes since a snapshot are being read and not yet all in.</summary>
    public bool IsCatchingUp
    {
        get
        {
            lock (_gate)
            {
                return _phase == BucketPhase.CatchingUp;
            }
        }
    }

    /// <summary>Starts reading a full state (again): what is pending is dropped and a new generation begins.</summary>
    /// <param name="streamCreated">When the bucket's stream was created: the state belongs to that bucket.</param>
    public void BeginFullState(DateTimeOffset streamCreated)
    {
        lock (_gate)
        {
            _byKey.Clear();
            _released.Clear();
            _fullState.Dispose();
            _fullState = new FullStateBuffer();
            Revision = 0;
            _releasedRevision = 0;
            _pruneRequest = null;
            _prunedBelow = 0;
            _fullStatePartHandedOut = false;
            _phase = BucketPhase.ReadingFullState;
            _fullStateSize = 0;
            _streamCreated = streamCreated;
            _generation++;
        }
    }

    /// <summary>
    /// Starts from a snapshot holding everything up to <paramref name="revision"/>: what the watch reads next are
    /// the changes since, live changes from the start, until <see cref="CompleteCatchUp"/>.
    /// </summary>
    public void ResumeFrom(ulong revision)
    {
        lock (_gate)
        {
            _byKey.Clear();
            _released.Clear();
            _fullState.Dispose();
            _fullState = new FullStateBuffer();
            Revision = revision;
            _releasedRevision = revision;
            _pruneRequest = null;
            _phase = BucketPhase.CatchingUp;
            _generation++;
        }
    }

    /// <summary>Marks the catch-up from a snapshot complete and wakes the apply loop.</summary>
    public void CompleteCatchUp()
    {
        lock (_gate)
        {
            if (_phase != BucketPhase.CatchingUp)
            {
                return;
            }

            _phase = BucketPhase.CaughtUp;
        }

        _signal.Writer.TryWrite(true);
    }

    /// <summary>Records how many entries the full state being read holds, as its first entry reports.</summary>
    public void HintFullStateSize(ulong size)
    {
        lock (_gate)
        {
            if (_phase == BucketPhase.ReadingFullState && _fullStateSize == 0)
            {
                _fullStateSize = (int)Math.Min(size, int.MaxValue);

                // Sized once for what this part will hold, not grown by doubling (copies, and arrays left for the GC).
                var capacity = Math.Min(_fullStateSize, _fullStatePartSize);
                if (capacity <= MaxPresizedEntries)
                {
                    _fullState.EnsureCapacity(capacity);
                }
            }
        }
    }

    /// <summary>Marks the full state complete and wakes the apply loop.</summary>
    public void CompleteFullState()
    {
        lock (_gate)
        {
            if (_phase != BucketPhase.ReadingFullState)
            {
                return;
            }

            _phase = BucketPhase.FullStateRead;
        }

        _signal.Writer.TryWrite(true);
    }

    /// <summary>
    /// Adds a change and wakes the apply loop. Returns whether a full state is being read (one lock per entry
    /// on the hot path, not two).
    /// </summary>
    public bool Add(in KvChange change)
    {
        bool readingFullState;
        var signal = true;
        lock (_gate)
        {
            readingFullState = _phase == BucketPhase.ReadingFullState;
            if (_disposed)
            {
                return readingFullState; // the provider is gone: nothing will apply it
            }

            if (readingFullState)
            {
                _fullState.Add(change);
                signal = _fullState.Count >= _fullStatePartSize;
            }
            else
            {
                if (!_byKey.TryGetValue(change.Key, out var existing) || existing.Revision < change.Revision)
                {
                    _byKey[change.Key] = change;
                }

                if (_sentinelKey is not null && string.Equals(change.Key, _sentinelKey, StringComparison.Ordinal))
                {
                    // The sentinel releases exactly what came before it, and itself: later changes stay held.
                    Release(_byKey, _released);
                    _byKey.Clear();
                    _releasedRevision = Math.Max(_releasedRevision, change.Revision);
                }
            }

            Revision = Math.Max(Revision, change.Revision);
            if (_sentinelKey is null || readingFullState)
            {
                _releasedRevision = Revision; // a full state is never held back
            }
        }

        if (signal)
        {
            _signal.Writer.TryWrite(true);
        }

        return readingFullState;
    }

    /// <summary>
    /// From now on, holds live changes back until <paramref name="sentinelKey"/> changes, then releases exactly
    /// the changes up to that change. Called once the initial state is applied: it is never held back.
    /// </summary>
    public void HoldUntilSentinel(string sentinelKey)
    {
        lock (_gate)
        {
            if (_sentinelKey is not null)
            {
                return;
            }

            // What arrived before holding began is released as it would have been without a sentinel.
            Release(_byKey, _released);
            _byKey.Clear();
            _sentinelKey = sentinelKey;
            _releasedRevision = Revision;
        }
    }

    /// <summary>
    /// Reports the stream's first sequence, and the newest revision under the watch's filter asked for with it:
    /// once the watch has delivered everything up to <paramref name="lastRevision"/>, every key whose latest
    /// revision is below <paramref name="firstRevision"/> has lost its message, and a batch says so.
    /// </summary>
    public void ReportFirstRevision(ulong firstRevision, ulong lastRevision)
    {
        lock (_gate)
        {
            if (_phase == BucketPhase.ReadingFullState || firstRevision <= _prunedBelow)
            {
                return;
            }

            // The newest report wins: its last revision is one the watch will deliver (an older one may have been
            // purged before it arrived), and the first revision only ever rises.
            _pruneRequest = (Math.Max(firstRevision, _pruneRequest?.FirstRevision ?? 0), lastRevision);
        }

        _signal.Writer.TryWrite(true);
    }

    // A prune is handed out once everything up to the revision it was seen at has been added.
    private bool PruneIsDue => _pruneRequest is { } request && Revision >= request.Through;

    private static void Release(Dictionary<string, KvChange> from, Dictionary<string, KvChange> to)
    {
        foreach (var (key, change) in from)
        {
            if (!to.TryGetValue(key, out var existing) || existing.Revision < change.Revision)
            {
                to[key] = change;
            }
        }
    }

    /// <summary>Waits until something may be pending. Returns <see langword="false"/> once cancelled.</summary>
    public async ValueTask<bool> WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _signal.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Frees the full state being read, if any; changes added from now on are dropped.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _fullState.Dispose();
        }
    }

    /// <summary>Takes everything pending, oldest first.</summary>
    public PendingBatch Drain()
    {
        Dictionary<string, KvChange> taken;
        FullStateBuffer fullState;
        FullStatePart part;
        int generation;
        bool endsCatchUp;
        bool startsFullState;
        ulong pruneBelow;
        string[] heldKeys;
        DateTimeOffset streamCreated;
        lock (_gate)
        {
            generation = _generation;
            streamCreated = _streamCreated;
            if (_phase == BucketPhase.ReadingFullState)
            {
                if (_fullState.Count == 0)
                {
                    return PendingBatch.Empty;
                }

                fullState = _fullState;
                _fullState = new FullStateBuffer();
                var first = !_fullStatePartHandedOut;
                _fullStatePartHandedOut = true;
                return new PendingBatch(fullState, FullStatePart.Partial, generation, _fullStateSize) { StreamCreated = streamCreated, StartsFullState = first };
            }

            // With a sentinel key, only what its changes released is taken; the rest stays held back.
            var holding = _sentinelKey is not null;
            var prune = PruneIsDue ? _pruneRequest : null;
            var fullStateRead = _phase == BucketPhase.FullStateRead;
            var caughtUp = _phase == BucketPhase.CaughtUp;
            if ((holding ? _released.Count : _byKey.Count) == 0 && !fullStateRead && !caughtUp && prune is null)
            {
                return PendingBatch.Empty;
            }

            if (holding)
            {
                taken = _released;
                _released = new Dictionary<string, KvChange>(StringComparer.Ordinal);
            }
            else
            {
                taken = _byKey;
                _byKey = new Dictionary<string, KvChange>(StringComparer.Ordinal);
            }

            if (prune is { } due)
            {
                _prunedBelow = due.FirstRevision;
                _pruneRequest = null;

                // A held-back change below the stream's start lost its message too: released later, it would
                // bring back a value the bucket no longer holds.
                foreach (var (key, change) in _byKey)
                {
                    if (change.Revision < due.FirstRevision)
                    {
                        _byKey.Remove(key);
                    }
                }
            }

            pruneBelow = prune?.FirstRevision ?? 0;
            heldKeys = holding && prune is not null ? [.. _byKey.Keys] : [];
            startsFullState = fullStateRead && !_fullStatePartHandedOut;
            fullState = _fullState;
            if (fullStateRead)
            {
                _fullState = new FullStateBuffer();
            }

            part = fullStateRead ? FullStatePart.Final : FullStatePart.None;
            _fullStatePartHandedOut |= fullStateRead;
            endsCatchUp = caughtUp;
            if (fullStateRead || caughtUp)
            {
                _phase = BucketPhase.Live;
            }
        }

        // Live changes after a full state have higher revisions than all of it, so they go after.
        var later = new KvChange[taken.Count];
        taken.Values.CopyTo(later, 0);
        Array.Sort(later, static (a, b) => a.Revision.CompareTo(b.Revision));
        if (part == FullStatePart.None)
        {
            return new PendingBatch(later, part, generation)
            {
                EndsCatchUp = endsCatchUp,
                PruneBelow = pruneBelow,
                HeldKeys = heldKeys,
            };
        }

        foreach (var change in later)
        {
            fullState.Add(change);
        }

        return new PendingBatch(fullState, part, generation, _fullStateSize) { StreamCreated = streamCreated, StartsFullState = startsFullState };
    }
}
