using Microsoft.Extensions.Logging;

namespace NatsKvConfig;

/// <summary>One log event written before the host's logging was connected, kept to be written again later.</summary>
internal abstract class BufferedLogEvent(string category, LogLevel level, EventId eventId)
{
    /// <summary>The category of the logger it was written to.</summary>
    public string Category { get; } = category;

    public LogLevel Level { get; } = level;

    public EventId EventId { get; } = eventId;

    /// <summary>Writes the event to <paramref name="logger"/> as it was first written: its level, id, state and exception.</summary>
    public abstract void WriteTo(ILogger logger);
}

/// <summary>A <see cref="BufferedLogEvent"/> with its state kept as written, so structured logging sees the same fields.</summary>
internal sealed class BufferedLogEvent<TState>(string category, LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    : BufferedLogEvent(category, level, eventId)
{
    public override void WriteTo(ILogger logger) => logger.Log(Level, EventId, state, exception, formatter);
}
