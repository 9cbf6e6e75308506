namespace NatsKvConfig.Tests.Diagnostics;

public class BackoffTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(100);

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(3, 400)]
    [InlineData(7, 6_400)]
    [InlineData(8, 10_000)]
    [InlineData(11, 10_000)]
    [InlineData(1_000, 10_000)]
    [InlineData(int.MaxValue, 10_000)]
    public void The_watch_waits_100_ms_doubling_up_to_10_s(int failures, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Backoff.Exponential(failures, Initial, TimeSpan.FromSeconds(10)));

    [Theory]
    [InlineData(9, 25_600)]
    [InlineData(10, 30_000)]
    [InlineData(64, 30_000)]
    public void Applying_waits_100_ms_doubling_up_to_30_s(int failures, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Backoff.Exponential(failures, Initial, TimeSpan.FromSeconds(30)));

    [Fact]
    public void It_gives_what_the_callers_computed_before()
    {
        for (var failures = 1; failures <= 100; failures++)
        {
            // BucketWatcher (10 s) and the provider's apply failures (30 s).
            foreach (var max in new[] { 10_000, 30_000 })
            {
                var before = TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, Math.Min(failures - 1, 10)), max));
                Assert.Equal(before, Backoff.Exponential(failures, Initial, TimeSpan.FromMilliseconds(max)));
            }

            // The lock's key watch: the lease's retry delay shifted by the failures (at most 6), up to the renew interval.
            foreach (var lease in new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(7.3), TimeSpan.FromMinutes(5), TimeSpan.FromDays(30) })
            {
                var retryDelay = lease / 20;
                var renewInterval = lease / 3;
                var before = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks << Math.Min(failures, 6), renewInterval.Ticks));
                Assert.Equal(before, Backoff.Exponential(failures + 1, retryDelay, renewInterval));
            }
        }
    }

    [Fact]
    public void No_failure_yet_counts_as_one_and_the_cap_holds_from_the_start()
    {
        Assert.Equal(Initial, Backoff.Exponential(0, Initial, TimeSpan.FromSeconds(1)));
        Assert.Equal(Initial, Backoff.Exponential(-5, Initial, TimeSpan.FromSeconds(1)));
        Assert.Equal(TimeSpan.FromMilliseconds(50), Backoff.Exponential(1, Initial, TimeSpan.FromMilliseconds(50)));
        Assert.Equal(TimeSpan.Zero, Backoff.Exponential(40, TimeSpan.Zero, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Large_values_do_not_overflow()
    {
        Assert.Equal(TimeSpan.MaxValue, Backoff.Exponential(int.MaxValue, Initial, TimeSpan.MaxValue));
        Assert.Equal(TimeSpan.MaxValue, Backoff.Exponential(2, TimeSpan.MaxValue, TimeSpan.MaxValue));
        Assert.Equal(TimeSpan.FromTicks(1L << 62), Backoff.Exponential(63, TimeSpan.FromTicks(1), TimeSpan.MaxValue));
        Assert.Equal(TimeSpan.MaxValue, Backoff.Exponential(64, TimeSpan.FromTicks(1), TimeSpan.MaxValue));
    }
}
