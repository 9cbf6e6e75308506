namespace LockedJobs;

/// <summary>
/// Stands in for the resource a job protects (a database table, a file store, an external API): it remembers
/// the highest fencing token it has seen and refuses writes carrying a lower one, so a worker that lost its
/// lock (paused, partitioned) cannot overwrite the work of the worker that took the lock over.
/// </summary>
internal sealed class FencedLedger
{
    private readonly object _gate = new();
    private readonly List<string> _lines = [];
    private ulong _highestToken;
    private int _running;

    public int Overlaps { get; private set; }

    public int Refused { get; private set; }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Records a line if <paramref name="token"/> is at least the highest seen; false (refused) otherwise.</summary>
    public bool TryWrite(ulong token, string line)
    {
        lock (_gate)
        {
            if (token < _highestToken)
            {
                Refused++;
                return false;
            }

            _highestToken = token;
            _lines.Add($"[token {token}] {line}");
            return true;
        }
    }

    /// <summary>Marks a job run as started; counts an overlap if another run is still going.</summary>
    public void Enter()
    {
        lock (_gate)
        {
            if (++_running > 1)
            {
                Overlaps++;
            }
        }
    }

    public void Leave()
    {
        lock (_gate)
        {
            _running--;
        }
    }
}
