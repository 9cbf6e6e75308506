using System.Globalization;

namespace NatsKvConfig;

/// <summary>A point in a bucket's history to read or roll back to: a revision, or a moment.</summary>
public sealed class NatsKvHistoryPoint
{
    private NatsKvHistoryPoint(ulong? revision, DateTimeOffset? time)
    {
        Revision = revision;
        Time = time;
    }

    /// <summary>The revision, when the point is one: the state just after that revision was written.</summary>
    public ulong? Revision { get; }

    /// <summary>The moment, when the point is one: the state of that moment (every entry created at or before it).</summary>
    public DateTimeOffset? Time { get; }

    /// <summary>The state just after revision <paramref name="revision"/> was written (bucket-wide revisions).</summary>
    /// <param name="revision">A revision, 1 or more.</param>
    /// <returns>The point.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="revision"/> is 0.</exception>
    public static NatsKvHistoryPoint AtRevision(ulong revision)
    {
        ArgumentOutOfRangeException.ThrowIfZero(revision);
        return new NatsKvHistoryPoint(revision, null);
    }

    /// <summary>The state at <paramref name="time"/>.</summary>
    /// <param name="time">A moment.</param>
    /// <returns>The point.</returns>
    public static NatsKvHistoryPoint AtTime(DateTimeOffset time) => new(null, time);

    /// <summary>Whether an entry written at <paramref name="revision"/> and <paramref name="created"/> belongs to the state at this point.</summary>
    internal bool Includes(ulong revision, DateTimeOffset created) =>
        Revision is { } r ? revision <= r : created <= Time!.Value;

    /// <summary>Text such as <c>revision 42</c> or <c>2024-05-01T10:00:00.0000000+00:00</c>.</summary>
    /// <returns>The point, described.</returns>
    public override string ToString() =>
        Revision is { } r ? $"revision {r.ToString(CultureInfo.InvariantCulture)}" : Time!.Value.ToString("O", CultureInfo.InvariantCulture);
}
