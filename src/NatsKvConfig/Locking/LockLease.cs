using System.Globalization;
using NATS.Client.KeyValueStore;

namespace NatsKvConfig;

/// <summary>
/// The lease of every lock in one bucket: the bucket's max age, and the timings derived from it. Read from
/// the bucket's stream info at the start of every acquisition and again before every renewal, so a holder keeps
/// to a max age changed while it holds the lock from its next renewal on.
/// </summary>
internal sealed record LockLease
{
    /// <summary>Shorter leases leave too little time to renew (a third of it) over a real network.</summary>
    public static readonly TimeSpan Minimum = TimeSpan.FromSeconds(1);

    /// <summary>Longer leases overflow .NET timers (renewal and loss deadlines), and make no sense for a lock.</summary>
    public static readonly TimeSpan Maximum = TimeSpan.FromDays(30);

    private static readonly Version FirstVersionWithMessageTtl = new(2, 11);

    private LockLease(string bucket, TimeSpan duration, TimeSpan? messageTtl)
    {
        Bucket = bucket;
        Duration = duration;
        MessageTtl = messageTtl;
    }

    public string Bucket { get; }

    /// <summary>How long an entry lives without renewal: the bucket's max age.</summary>
    public TimeSpan Duration { get; }

    /// <summary>
    /// The per-message TTL written with every lock entry when the server (2.11+) and the bucket
    /// (<c>AllowMsgTTL</c>) support it; null otherwise (nats-server 2.9 and 2.10, or a bucket without it).
    /// </summary>
    public TimeSpan? MessageTtl { get; }

    /// <summary>A holder renews this long after its last confirmed write: a third of the lease.</summary>
    public TimeSpan RenewInterval => Duration / 3;

    /// <summary>
    /// <see cref="NatsKvLockHandle.LockLost"/> fires this long before the lease can end at the earliest,
    /// leaving the holder time to stop touching the protected resource before anyone may take over.
    /// </summary>
    public TimeSpan LossMargin => Duration / 6;

    /// <summary>The pause between renewal attempts that failed for a transient reason.</summary>
    public TimeSpan RetryDelay => Duration / 20;

    /// <summary>
    /// Time left until a holder must count its lock lost when its last confirmed write was sent
    /// <paramref name="sinceLastWrite"/> ago: the server stamped that write no earlier, so the entry cannot
    /// expire before the lease has passed since; <see cref="LossMargin"/> comes off that.
    /// </summary>
    public TimeSpan UntilLossDeadline(TimeSpan sinceLastWrite) => Duration - LossMargin - sinceLastWrite;

    /// <summary>Whether a holder keeps to this lease already: the same max age and message TTL.</summary>
    public bool SameAs(LockLease other) => Duration == other.Duration && MessageTtl == other.MessageTtl;

    /// <summary>A lease of <paramref name="duration"/>, as read from a bucket. For tests.</summary>
    internal static LockLease Of(string bucket, TimeSpan duration, TimeSpan? messageTtl = null) => new(bucket, duration, messageTtl);

    /// <summary>How long releasing may take before it is given up (the lease then ends by itself).</summary>
    public TimeSpan ReleaseTimeout => Duration < TimeSpan.FromSeconds(5) ? Duration : TimeSpan.FromSeconds(5);

    /// <summary>
    /// Reads the bucket's max age (refusing a bucket without one) and whether per-message TTLs can be used,
    /// and feeds the server times in the stream info to <paramref name="clock"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The bucket has no max age, or one under a second or over 30 days.</exception>
    public static async Task<LockLease> ReadAsync(INatsKVStore store, ServerClock clock, TimeProvider time, CancellationToken cancellationToken)
    {
        var status = await store.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        var received = time.GetTimestamp();
        clock.Observe(status.Info.State.LastTs, received); // the bucket's last write
        clock.ObserveNow(status.Info.Ts, received); // the server's time when it answered (2.10+; unset before)

        var maxAge = status.Info.Config.MaxAge;
        if (maxAge <= TimeSpan.Zero)
        {
            throw new InvalidOperationException(
                $"NATS KV bucket '{store.Bucket}' has no max age, so a lock in it would never expire if its holder died. " +
                "Use a bucket with a max age for locks (the max age is the lease), e.g. new NatsKVConfig(\"locks\") { MaxAge = TimeSpan.FromSeconds(30) }.");
        }

        if (maxAge < Minimum)
        {
            throw new InvalidOperationException(
                $"NATS KV bucket '{store.Bucket}' has a max age of {maxAge.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms; " +
                $"locks need at least {Minimum.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s (the max age is the lease, renewed every third of it).");
        }

        if (maxAge > Maximum)
        {
            throw new InvalidOperationException(
                $"NATS KV bucket '{store.Bucket}' has a max age of {maxAge.TotalDays.ToString(CultureInfo.InvariantCulture)} days; locks support at most {Maximum.TotalDays.ToString(CultureInfo.InvariantCulture)} days (the max age is the lease).");
        }

        TimeSpan? messageTtl = status.Info.Config.AllowMsgTTL && SupportsMessageTtl(store.JetStreamContext.Connection.ServerInfo?.Version)
            ? TimeSpan.FromSeconds(Math.Ceiling(maxAge.TotalSeconds))
            : null;
        return new LockLease(store.Bucket, maxAge, messageTtl);
    }

    /// <summary>Per-message TTLs (the <c>Nats-TTL</c> header) arrived in nats-server 2.11.</summary>
    internal static bool SupportsMessageTtl(string? serverVersion)
    {
        if (string.IsNullOrEmpty(serverVersion))
        {
            return false;
        }

        var end = serverVersion.IndexOfAny(['-', '+']);
        var core = end >= 0 ? serverVersion[..end] : serverVersion;
        return Version.TryParse(core.TrimStart('v'), out var version) && version >= FirstVersionWithMessageTtl;
    }
}
