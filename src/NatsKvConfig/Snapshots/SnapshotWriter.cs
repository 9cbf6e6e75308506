using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace NatsKvConfig;

/// <summary>
/// Writes the provider's applied state to its snapshot file in the background: at once after the first change,
/// then at most once per interval however many changes arrive, and a last time on disposal. The apply loop
/// only marks that something changed; taking the state and writing it happen here.
/// </summary>
internal sealed class SnapshotWriter
{
    private readonly string _path;
    private readonly string _bucket;
    private readonly TimeSpan _interval;
    private readonly Func<ConfigurationSnapshot?> _capture;
    private readonly ILogger _logger;
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private long _lastWriteTicks;
    private bool _written;
    private int _dirty;

    /// <param name="path">The snapshot file.</param>
    /// <param name="bucket">The bucket, for logs.</param>
    /// <param name="interval">The least time between two writes.</param>
    /// <param name="capture">Takes the applied state consistently; <see langword="null"/> when there is none yet.</param>
    /// <param name="logger">Where failures are reported.</param>
    public SnapshotWriter(string path, string bucket, TimeSpan interval, Func<ConfigurationSnapshot?> capture, ILogger logger)
    {
        _path = path;
        _bucket = bucket;
        _interval = interval;
        _capture = capture;
        _logger = logger;
    }

    /// <summary>The revision of the last snapshot written by this writer; 0 before the first.</summary>
    public ulong WrittenRevision { get; private set; }

    /// <summary>Notes that the applied state changed. Cheap: called on the apply path.</summary>
    public void MarkChanged()
    {
        Volatile.Write(ref _dirty, 1);
        _changed.Writer.TryWrite(true);
    }

    /// <summary>Writes whenever marked, spaced by the interval, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _changed.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                _changed.Reader.TryRead(out _);
                var waitMs = Volatile.Read(ref _lastWriteTicks) + (long)_interval.TotalMilliseconds - Environment.TickCount64;
                if (_written && waitMs > 0)
                {
                    // Changes arriving meanwhile are written together, in one file, after the wait.
                    await Task.Delay(TimeSpan.FromMilliseconds(waitMs), cancellationToken).ConfigureAwait(false);
                }

                _changed.Reader.TryRead(out _);
                WriteIfChanged();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Writes the current state if it changed since the last write. Not to be called concurrently with <see cref="RunAsync"/>'s writes.</summary>
    public void WriteIfChanged()
    {
        if (Interlocked.Exchange(ref _dirty, 0) == 0)
        {
            return;
        }

        var snapshot = _capture();
        if (snapshot is null)
        {
            return;
        }

        Volatile.Write(ref _lastWriteTicks, Environment.TickCount64);
        _written = true;
        var stopwatch = Stopwatch.StartNew();
        try
        {
            SnapshotFile.Write(_path, snapshot);
            WrittenRevision = snapshot.Revision;
            Log.SnapshotWritten(_logger, _bucket, _path, snapshot.Revision, snapshot.Entries.Count, stopwatch.ElapsedMilliseconds);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            Log.SnapshotWriteFailed(_logger, exception, _bucket, _path, snapshot.Revision);
            Volatile.Write(ref _dirty, 1); // tried again with the next change, or on disposal
        }
    }
}
