using System.Threading.Channels;

namespace NatsKvConfig;

/// <summary>
/// Changes read from the watch and not yet applied, kept as the newest entry per key, so a burst of any size
/// costs memory in proportion to the keys it touches and is applied as one batch.
/// </summary>
/// <remarks>
/// The watch loop adds; the apply loop waits for a signal and drains everything pending at once. While a
/// full state is being read (the initial load, or a reload after the bucket was replaced) the batch is held
/// back until it is complete, so readers never see half of it.
/// </remarks>
internal sealed class PendingChanges
{
    private readonly object _gate = new();
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private Dictionary<string, KvChange> _byKey = new(StringComparer.Ordinal);

    // A full state arrives in revision order with each key once: a list keeps it cheaply and needs no sort.
    private List<KvChange> _fullState = [];
    private bool _readingFullState = true;
    private bool _fullStateReady;

    /// <summary>The highest revision added so far.</summary>
    public ulong Revision { get; private set; }

    /// <summary>Whether nothing is waiting to be applied.</summary>
    public bool IsEmpty
    {
        get
        {
            lock (_gate)
            {
                return _byKey.Count == 0 && !_fullStateReady;
            }
        }
    }

    /// <summary>Starts reading a full state: what is pending is dropped, and nothing is handed out until <see cref="CompleteFullState"/>.</summary>
    public void BeginFullState()
    {
        lock (_gate)
        {
            _byKey.Clear();
            _fullState = [];
            Revision = 0;
            _readingFullState = true;
            _fullStateReady = false;
        }
    }

    /// <summary>Whether a full state is being read and not yet complete.</summary>
    public bool IsReadingFullState
    {
        get
        {
            lock (_gate)
            {
                return _readingFullState;
            }
        }
    }

    /// <summary>Marks the full state complete and wakes the apply loop.</summary>
    public void CompleteFullState()
    {
        lock (_gate)
        {
            if (!_readingFullState)
            {
                return;
            }

            _readingFullState = false;
            _fullStateReady = true;
        }

        _signal.Writer.TryWrite(true);
    }

    /// <summary>
    /// Adds a change, keeping only the newest revision per key, and wakes the apply loop unless a full state is
    /// being read. Returns whether a full state is being read (one lock per entry on the hot path, not two).
    /// </summary>
    public bool Add(in KvChange change)
    {
        bool signal;
        lock (_gate)
        {
            if (_readingFullState)
            {
                _fullState.Add(change);
            }
            else if (!_byKey.TryGetValue(change.Key, out var existing) || existing.Revision < change.Revision)
            {
                _byKey[change.Key] = change;
            }

            Revision = Math.Max(Revision, change.Revision);
            signal = !_readingFullState;
        }

        if (signal)
        {
            _signal.Writer.TryWrite(true);
        }

        return !signal;
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

    /// <summary>Takes everything pending, in revision order. Empty while a full state is still being read.</summary>
    public PendingBatch Drain()
    {
        Dictionary<string, KvChange> taken;
        List<KvChange>? fullState = null;
        lock (_gate)
        {
            if (_readingFullState || (_byKey.Count == 0 && !_fullStateReady))
            {
                return PendingBatch.Empty;
            }

            taken = _byKey;
            _byKey = new Dictionary<string, KvChange>(StringComparer.Ordinal);
            if (_fullStateReady)
            {
                fullState = _fullState;
                _fullState = [];
                _fullStateReady = false;
            }
        }

        // Whatever came after a full state has higher revisions than all of it, so it goes after.
        var later = new KvChange[taken.Count];
        taken.Values.CopyTo(later, 0);
        Array.Sort(later, static (a, b) => a.Revision.CompareTo(b.Revision));
        if (fullState is null)
        {
            return new PendingBatch(later, IsFullState: false);
        }

        fullState.AddRange(later);
        return new PendingBatch(fullState, IsFullState: true);
    }
}
