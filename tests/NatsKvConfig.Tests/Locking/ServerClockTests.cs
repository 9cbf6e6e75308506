namespace NatsKvConfig.Tests.Locking;

public class ServerClockTests
{
    private static readonly DateTimeOffset Noon = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Knowing_no_server_time_an_entry_counts_as_brand_new()
    {
        var clock = new ServerClock(new ManualTime());
        Assert.Equal(TimeSpan.Zero, clock.MinimumAgeOf(Noon - TimeSpan.FromHours(1)));
    }

    [Fact]
    public void An_entry_ages_by_the_local_time_elapsed_since_a_server_timestamp_was_received()
    {
        var time = new ManualTime();
        var clock = new ServerClock(time);
        clock.Observe(Noon, time.GetTimestamp());
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(5), clock.MinimumAgeOf(Noon));
        Assert.Equal(TimeSpan.FromSeconds(7), clock.MinimumAgeOf(Noon - TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.Zero, clock.MinimumAgeOf(Noon + TimeSpan.FromSeconds(10))); // never negative
    }

    [Fact]
    public void The_local_wall_clock_plays_no_part_only_elapsed_local_time_does()
    {
        // The server's clock is a day behind the local one: ages come out the same.
        var time = new ManualTime { Now = Noon + TimeSpan.FromDays(1) };
        var clock = new ServerClock(time);
        clock.Observe(Noon, time.GetTimestamp());
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(3), clock.MinimumAgeOf(Noon));
    }

    [Fact]
    public void An_older_timestamp_received_later_does_not_pull_the_estimate_back()
    {
        var time = new ManualTime();
        var clock = new ServerClock(time);
        clock.Observe(Noon, time.GetTimestamp());
        time.Advance(TimeSpan.FromSeconds(10));
        clock.Observe(Noon - TimeSpan.FromSeconds(30), time.GetTimestamp()); // a stale entry read just now

        Assert.Equal(TimeSpan.FromSeconds(10), clock.MinimumAgeOf(Noon));
    }

    [Fact]
    public void A_newer_timestamp_tightens_the_estimate()
    {
        var time = new ManualTime();
        var clock = new ServerClock(time);
        clock.Observe(Noon, time.GetTimestamp());
        time.Advance(TimeSpan.FromSeconds(1));
        clock.Observe(Noon + TimeSpan.FromSeconds(4), time.GetTimestamp()); // we had received the first one late

        Assert.Equal(TimeSpan.FromSeconds(4), clock.MinimumAgeOf(Noon));
    }

    [Fact]
    public void The_servers_own_now_replaces_the_estimate_even_when_lower()
    {
        var time = new ManualTime();
        var clock = new ServerClock(time);
        clock.Observe(Noon, time.GetTimestamp());
        time.Advance(TimeSpan.FromSeconds(10));
        clock.ObserveNow(Noon + TimeSpan.FromSeconds(2), time.GetTimestamp()); // its clock was stepped back 8 s

        Assert.Equal(TimeSpan.FromSeconds(2), clock.MinimumAgeOf(Noon));
    }

    [Theory]
    [InlineData("2024-05-01T12:00:00.123456789Z", 1234567)]
    [InlineData("2024-05-01T12:00:00.1234567Z", 1234567)]
    [InlineData("2024-05-01T12:00:00.5Z", 5000000)]
    [InlineData("2024-05-01T12:00:00Z", 0)]
    [InlineData("2024-05-01T14:00:00.123456789+02:00", 1234567)]
    public void Server_timestamps_with_up_to_nanoseconds_are_read(string text, long ticksAfterNoon)
    {
        Assert.True(ServerClock.TryParse(text, out var parsed));
        Assert.Equal(Noon + TimeSpan.FromTicks(ticksAfterNoon), parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("yesterday")]
    public void Unreadable_timestamps_are_ignored(string? text)
    {
        var time = new ManualTime();
        var clock = new ServerClock(time);
        Assert.False(ServerClock.TryParse(text, out _));
        clock.Observe(text, time.GetTimestamp());
        Assert.Equal(TimeSpan.Zero, clock.MinimumAgeOf(Noon));
    }

    [Theory]
    [InlineData("2.9.10", false)]
    [InlineData("2.10.22", false)]
    [InlineData("2.11.0", true)]
    [InlineData("v2.11.3", true)]
    [InlineData("2.12.1-RC.2", true)]
    [InlineData("3.0.0", true)]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("dev", false)]
    public void Per_message_ttls_are_used_from_nats_server_2_11_on(string? version, bool supported) =>
        Assert.Equal(supported, LockLease.SupportsMessageTtl(version));

    /// <summary>A clock that moves only when told; its wall clock (<see cref="Now"/>) is separate from its timestamps.</summary>
    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public DateTimeOffset Now { get; set; } = Noon;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public override DateTimeOffset GetUtcNow() => Now;

        public void Advance(TimeSpan by)
        {
            _ticks += by.Ticks;
            Now += by;
        }
    }
}
