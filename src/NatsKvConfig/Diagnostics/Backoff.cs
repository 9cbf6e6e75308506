namespace NatsKvConfig;

/// <summary>The one back-off formula of the retries: the wait doubles with every failure in a row, up to a cap.</summary>
internal static class Backoff
{
    /// <summary>
    /// <paramref name="initial"/> × 2^(<paramref name="failures"/> − 1), at most <paramref name="max"/>: the wait after
    /// the first failure is <paramref name="initial"/>. Computed in ticks, exact, and never overflows.
    /// </summary>
    /// <param name="failures">Failures in a row, from 1; less counts as 1.</param>
    /// <param name="initial">The wait after the first failure.</param>
    /// <param name="max">The longest wait.</param>
    public static TimeSpan Exponential(int failures, TimeSpan initial, TimeSpan max)
    {
        if (failures <= 1 || initial <= TimeSpan.Zero)
        {
            return initial < max ? initial : max;
        }

        // initial << shift exceeds max exactly when initial exceeds max >> shift; shifts of 63 and more exceed any max.
        var shift = failures - 1;
        return shift >= 63 || initial.Ticks > max.Ticks >> shift ? max : TimeSpan.FromTicks(initial.Ticks << shift);
    }
}
