using System.Globalization;

namespace NatsKvConfig;

/// <summary>
/// A lower bound of the NATS server's current time, built from server timestamps this process has seen
/// (entry <c>Created</c> times, the bucket's last write, the stream info's <c>ts</c>) plus the local
/// monotonic time elapsed since each was received.
/// </summary>
/// <remarks>
/// A timestamp the server stamped before we received it means the server's clock now reads at least that
/// timestamp plus the time elapsed since receipt. That bound needs no agreement between the local clock and
/// the server's (only that both advance at the same rate), so comparing entry ages against it never ages an
/// entry early, however far apart the clocks are. One instance per <see cref="NatsKvLock"/>; thread-safe.
/// </remarks>
internal sealed class ServerClock
{
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private DateTimeOffset _serverTime;
    private long _receivedAt;
    private bool _known;

    public ServerClock(TimeProvider time) => _time = time;

    /// <summary>Records that the server's clock read <paramref name="serverTime"/> no later than local timestamp <paramref name="receivedAt"/>.</summary>
    public void Observe(DateTimeOffset serverTime, long receivedAt)
    {
        if (serverTime == default)
        {
            return;
        }

        lock (_gate)
        {
            if (!_known || serverTime > EstimateAt(receivedAt))
            {
                _serverTime = serverTime;
                _receivedAt = receivedAt;
                _known = true;
            }
        }
    }

    /// <summary>
    /// Records the server's own reading of "now" (the <c>ts</c> of a stream info, nats-server 2.10+). It replaces
    /// the reference even when lower than the current estimate: a server clock stepped back, or another server
    /// of a cluster answering, makes timestamps seen earlier overstate the server's time, and so entry ages.
    /// </summary>
    public void ObserveNow(DateTimeOffset serverNow, long receivedAt)
    {
        if (serverNow == default)
        {
            return;
        }

        lock (_gate)
        {
            _serverTime = serverNow;
            _receivedAt = receivedAt;
            _known = true;
        }
    }

    /// <summary>Records a timestamp in the server's RFC 3339 text (up to nanoseconds); ignores text it cannot read.</summary>
    public void Observe(string? serverTime, long receivedAt)
    {
        if (TryParse(serverTime, out var parsed))
        {
            Observe(parsed, receivedAt);
        }
    }

    /// <summary>How old, at least, an entry created at <paramref name="created"/> (server time) is now.</summary>
    public TimeSpan MinimumAgeOf(DateTimeOffset created)
    {
        lock (_gate)
        {
            if (!_known)
            {
                return TimeSpan.Zero;
            }

            var age = EstimateAt(_time.GetTimestamp()) - created;
            return age > TimeSpan.Zero ? age : TimeSpan.Zero;
        }
    }

    /// <summary>Reads RFC 3339 with up to nine fractional digits (.NET parses at most seven).</summary>
    internal static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    private DateTimeOffset EstimateAt(long timestamp) => _serverTime + _time.GetElapsedTime(_receivedAt, timestamp);
}
