namespace NatsKvConfig;

/// <summary>What a provider remembers of the snapshot it started from: enough to report it, not its entries.</summary>
/// <param name="Revision">The highest revision the snapshot held.</param>
/// <param name="WrittenAt">When the snapshot was written.</param>
internal sealed record RestoredSnapshot(ulong Revision, DateTimeOffset WrittenAt);
