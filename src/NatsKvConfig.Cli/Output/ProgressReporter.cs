using System.Diagnostics;

namespace NatsKvConfig.Cli.Output;

/// <summary>
/// Progress of a large write on standard error: one line updated in place on a terminal, a line every 10%
/// otherwise. Small writes (under 100 keys) and <c>--json</c> runs show none.
/// </summary>
internal sealed class ProgressReporter : IProgress<NatsKvConfigProgress>, IDisposable
{
    private const int Threshold = 100;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly object _gate = new();
    private readonly CliSession _session;
    private readonly string _label;
    private readonly Stopwatch _sinceShown = Stopwatch.StartNew();
    private NatsKvConfigProgress _last;
    private int _lastDecile = -1;
    private bool _inPlace;

    public ProgressReporter(CliSession session, string label)
    {
        _session = session;
        _label = label;
    }

    public void Report(NatsKvConfigProgress value)
    {
        if (_session.Json || value.Total < Threshold)
        {
            return;
        }

        lock (_gate)
        {
            if (value.Completed < _last.Completed)
            {
                return; // reports from concurrent writes may arrive out of order
            }

            _last = value;
            if (_session.Console.ErrorIsTerminal)
            {
                if (_sinceShown.Elapsed >= Interval || value.Completed == value.Total)
                {
                    _session.Console.Error.Write($"\r{Line(value)}");
                    _inPlace = true;
                    _sinceShown.Restart();
                }
            }
            else
            {
                var decile = (int)(value.Completed * 10L / value.Total);
                if (decile > _lastDecile)
                {
                    _lastDecile = decile;
                    _session.Console.Error.WriteLine(Line(value));
                }
            }
        }
    }

    /// <summary>Ends the in-place line, so that what follows starts on its own.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_inPlace)
            {
                _session.Console.Error.WriteLine();
                _inPlace = false;
            }
        }
    }

    public void Dispose() => Complete();

    private string Line(NatsKvConfigProgress value) =>
        $"{_label} {value.Completed}/{value.Total} ({value.Completed * 100L / value.Total}%)";
}
