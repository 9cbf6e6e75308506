using System.Globalization;

namespace NatsKvConfig.Benchmarks;

/// <summary>Medians, percentiles and ratios, formatted for the report.</summary>
internal static class Stats
{
    public static double Median(IReadOnlyCollection<double> values) => Percentile(values, 50);

    public static double Percentile(IReadOnlyCollection<double> values, double percentile)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = percentile / 100 * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
    }

    public static string Ms(double milliseconds) =>
        milliseconds >= 100 ? milliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms"
        : milliseconds >= 1 ? milliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms"
        : milliseconds.ToString("0.000", CultureInfo.InvariantCulture) + " ms";

    public static string Ns(double nanoseconds) =>
        nanoseconds >= 10_000 ? (nanoseconds / 1000).ToString("0.0", CultureInfo.InvariantCulture) + " µs"
        : nanoseconds.ToString("0", CultureInfo.InvariantCulture) + " ns";

    public static string Ratio(double value, double baseline) =>
        (value / baseline).ToString("0.00", CultureInfo.InvariantCulture) + "×";

    public static string Number(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Verdict(bool met) => met ? "met" : "**missed**";

    /// <summary>A ratio (lower is better) against the issue's goal and the bound it must reach at the least.</summary>
    public static string Verdict(double ratio, double goal, double mustReach) =>
        ratio <= goal ? "met" : ratio <= mustReach ? "goal **missed**, must-reach met" : "**missed**";

    /// <summary>
    /// One plain sentence naming every row whose ratio misses <paramref name="goal"/>, and those that also miss
    /// <paramref name="mustReach"/>; null when every row meets the goal.
    /// </summary>
    public static string? Misses(string what, IEnumerable<(string Where, double Ratio)> rows, double goal, double mustReach)
    {
        var missed = rows.Where(r => !(r.Ratio <= goal)).ToArray();
        if (missed.Length == 0)
        {
            return null;
        }

        static string Bound(double bound) => "≤ " + bound.ToString("0.00", CultureInfo.InvariantCulture) + "×";
        static string List(IEnumerable<(string Where, double Ratio)> rows) =>
            string.Join("; ", rows.Select(r => $"{r.Where}: {r.Ratio.ToString("0.00", CultureInfo.InvariantCulture)}×"));
        var sentence = $"{what} misses its goal ({Bound(goal)}) for {List(missed)}.";
        var failed = missed.Where(r => !(r.Ratio <= mustReach)).ToArray();
        sentence += failed.Length == 0
            ? $" It reaches the must-reach bound ({Bound(mustReach)}) everywhere."
            : failed.Length == missed.Length
                ? $" {(failed.Length == 1 ? "That misses" : "All of these miss")} the must-reach bound ({Bound(mustReach)}) too."
                : $" It misses the must-reach bound ({Bound(mustReach)}) too for {List(failed)}.";
        return "**Missed:** " + sentence;
    }

    public static string Bytes(double bytes) =>
        Math.Abs(bytes) >= 10 * 1024 ? (bytes / 1024).ToString("N0", CultureInfo.InvariantCulture) + " KiB"
        : bytes.ToString("N0", CultureInfo.InvariantCulture) + " B";
}
