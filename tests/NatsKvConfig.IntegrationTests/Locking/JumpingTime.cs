namespace NatsKvConfig.IntegrationTests.Locking;

/// <summary>
/// The system clock, except that its monotonic timestamps can be moved forward at will: a lock using it
/// believes more time has passed since it saw an entry than really has.
/// </summary>
internal sealed class JumpingTime : TimeProvider
{
    private long _offset;

    public override long TimestampFrequency => System.TimestampFrequency;

    public override long GetTimestamp() => System.GetTimestamp() + Interlocked.Read(ref _offset);

    public void Jump(TimeSpan by) => Interlocked.Add(ref _offset, (long)(by.TotalSeconds * TimestampFrequency));
}
