using System.Diagnostics;
using System.Text;

namespace NatsKvConfig.Benchmarks;

/// <summary>
/// Scenario 7: the cost of applying one change (projection + new view) with 1k and with the largest number of
/// keys loaded. Flat means no whole-dictionary copy per change. Runs in process, on the provider's own types.
/// </summary>
internal static class ApplyCostBenchmark
{
    internal sealed record Result(int Keys, double NsPerChange);

    public static List<Result> Run(BenchSettings settings)
    {
        var results = new List<Result>();
        foreach (var keys in new[] { 1_000, settings.LargestKeyCount }.Distinct())
        {
            var samples = new List<double>();
            for (var round = 0; round < settings.Rounds; round++)
            {
                samples.Add(Measure(keys, settings.ApplyChanges));
            }

            results.Add(new Result(keys, Stats.Median(samples)));
            Console.WriteLine($"  apply one change with {keys,7:N0} keys loaded: {Stats.Ns(results[^1].NsPerChange)}");
        }

        return results;
    }

    private static double Measure(int keys, int changes)
    {
        var projection = new BucketProjection(JsonExpansionLimits.Default);
        var warnings = new List<ProjectionWarning>();
        var view = projection.Replace(
            Enumerable.Range(0, keys).Select(i => new KvChange(BenchData.Key(i), (ulong)i + 1, false, Encoding.UTF8.GetBytes(BenchData.Value(i)), default)),
            warnings);

        // Each change is its own batch (the worst case: a batch of many changes shares the work).
        var batch = new KvChange[1];
        var revision = (ulong)keys;
        var random = new Random(7);
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < changes; i++)
        {
            var key = random.Next(keys);
            batch[0] = new KvChange(BenchData.Key(key), ++revision, false, Encoding.UTF8.GetBytes(BenchData.Value(i)), default);
            view = projection.Apply(batch, view, warnings);
        }

        GC.KeepAlive(view);
        return stopwatch.Elapsed.TotalNanoseconds / changes;
    }
}
