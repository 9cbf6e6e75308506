using Microsoft.Extensions.Logging;

namespace NatsKvConfig;

/// <summary>
/// The log events a provider wrote before its host's logging was connected, in order, up to a bound; past it,
/// only how many were dropped. Not thread-safe: its owner (<see cref="DeferredLoggerFactory"/>) holds a lock.
/// </summary>
internal sealed class StartupLogBuffer(int capacity)
{
    /// <summary>What a provider keeps by default: a start-up's warnings, with room to spare; a flood is not replayed whole.</summary>
    public const int DefaultCapacity = 256;

    /// <summary>
    /// The least level kept. Debug and trace events are neither kept nor formatted before a host says it wants them:
    /// a busy start-up would fill the buffer with them and push out its warnings.
    /// </summary>
    public const LogLevel MinimumLevel = LogLevel.Information;

    private readonly List<BufferedLogEvent> _events = [];

    /// <summary>How many events may be kept.</summary>
    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity must be positive.");

    /// <summary>How many events were dropped because the buffer was full.</summary>
    public int Dropped { get; private set; }

    /// <summary>How many events are kept.</summary>
    public int Count => _events.Count;

    /// <summary>Whether events of <paramref name="level"/> are kept (or counted as dropped) at all.</summary>
    public static bool Keeps(LogLevel level) => level is >= MinimumLevel and < LogLevel.None;

    /// <summary>Keeps <paramref name="logEvent"/> if there is room, else counts it as dropped; ignores levels it does not keep.</summary>
    public void Add(BufferedLogEvent logEvent)
    {
        if (!Keeps(logEvent.Level))
        {
            return;
        }

        if (_events.Count < Capacity)
        {
            _events.Add(logEvent);
        }
        else
        {
            Dropped++;
        }
    }

    /// <summary>Hands over the events kept, in the order they were written, and how many were dropped; empties the buffer.</summary>
    public (IReadOnlyList<BufferedLogEvent> Events, int Dropped) Drain()
    {
        var drained = (_events.ToArray(), Dropped);
        _events.Clear();
        Dropped = 0;
        return drained;
    }
}
