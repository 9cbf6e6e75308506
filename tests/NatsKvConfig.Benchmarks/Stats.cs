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
}
