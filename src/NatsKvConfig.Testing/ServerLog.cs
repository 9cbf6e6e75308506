using System.Text;

namespace NatsKvConfig.Testing;

/// <summary>
/// The last lines a server wrote, kept in memory so that a failed start can say why
/// without the test having to find a log file.
/// </summary>
internal sealed class ServerLog
{
    private const int Capacity = 200;

    private readonly Queue<string> _lines = new(Capacity);
    private readonly object _gate = new();
    private long _written;

    public void Add(string line)
    {
        lock (_gate)
        {
            if (_lines.Count == Capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
            _written++;
        }
    }

    /// <summary>A position to pass to <see cref="ContainsSince"/>, so one run's lines are not read as another's.</summary>
    public long Mark()
    {
        lock (_gate)
        {
            return _written;
        }
    }

    public IReadOnlyList<string> Snapshot()
    {
        lock (_gate)
        {
            return [.. _lines];
        }
    }

    /// <summary>True when a line written after <paramref name="mark"/> (and still kept) contains <paramref name="text"/>.</summary>
    public bool ContainsSince(long mark, string text)
    {
        lock (_gate)
        {
            var firstKept = _written - _lines.Count;
            var skip = (int)Math.Max(0, mark - firstKept);
            return _lines.Skip(skip).Any(line => line.Contains(text, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>The last <paramref name="count"/> lines, one per line, for exception messages.</summary>
    public string Tail(int count = 40)
    {
        var lines = Snapshot();
        if (lines.Count == 0)
        {
            return "(the server wrote nothing)";
        }

        var builder = new StringBuilder();
        foreach (var line in lines.Skip(Math.Max(0, lines.Count - count)))
        {
            builder.AppendLine(line);
        }

        return builder.ToString().TrimEnd();
    }
}
