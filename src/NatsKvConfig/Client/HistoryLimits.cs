namespace NatsKvConfig;

/// <summary>How far back a bucket's history reaches, read from its stream.</summary>
/// <param name="HistoryDepth">Values kept per key.</param>
/// <param name="FirstRevision">The oldest revision the bucket holds (0 when empty).</param>
/// <param name="FirstTime">When the oldest revision the bucket holds was written.</param>
/// <param name="LastRevision">The newest revision written.</param>
/// <param name="RemovesOldEntries">Whether entries also go by age or size (<c>max_age</c>, <c>max_bytes</c>), not only by the per-key history.</param>
internal sealed record HistoryLimits(int HistoryDepth, ulong FirstRevision, DateTimeOffset FirstTime, ulong LastRevision, bool RemovesOldEntries);
