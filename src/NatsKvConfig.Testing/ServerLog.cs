using System.Text;

namespace NatsKvConfig.Testing;

/// <summary>
/// The last lines a server wrote, kept in memory so that a failed start can say why
/// without the test having to find a log file.
/// </summary>
internal sealed class ServerLog
{
    private const int Capacity = 200;

    private readonly Queue<Line> _lines = new(Capacity);
    private readonly object _gate = new();
    private long _written;

    public void Add(string text, bool fromStandardError)
    {
        lock (_gate)
        {
            if (_lines.Count == Capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(new Line(text, fromStandardError));
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
            return [.. _lines.Select(line => line.Text)];
        }
    }

    /// <summary>True when a line written after <paramref name="mark"/> (and still kept) contains <paramref name="text"/>.</summary>
    public bool ContainsSince(long mark, string text)
    {
        lock (_gate)
        {
            var firstKept = _written - _lines.Count;
            var skip = (int)Math.Max(0, mark - firstKept);
            return _lines.Skip(skip).Any(line => line.Text.Contains(text, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>
    /// The last lines for an exception message. nats-server logs to stderr and prints usage text to stdout
    /// after a flag error, so the two are tailed apart: the error line must not scroll out behind the usage.
    /// </summary>
    public string Tail()
    {
        Line[] lines;
        lock (_gate)
        {
            lines = [.. _lines];
        }

        if (lines.Length == 0)
        {
            return "(the server wrote nothing)";
        }

        var builder = new StringBuilder();
        AppendTail(builder, "stderr", lines.Where(line => line.FromStandardError).ToList(), 40);
        AppendTail(builder, "stdout", lines.Where(line => !line.FromStandardError).ToList(), 10);
        return builder.ToString().TrimEnd();
    }

    private static void AppendTail(StringBuilder builder, string stream, List<Line> lines, int count)
    {
        if (lines.Count == 0)
        {
            return;
        }

        builder.AppendLine(lines.Count > count ? $"[{stream}, last {count} of {lines.Count} lines]" : $"[{stream}]");
        foreach (var line in lines.Skip(Math.Max(0, lines.Count - count)))
        {
            builder.AppendLine(line.Text);
        }
    }

    private readonly record struct Line(string Text, bool FromStandardError);
}
