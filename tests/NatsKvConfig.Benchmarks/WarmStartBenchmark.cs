using System.Diagnostics;
using System.Text;

namespace NatsKvConfig.Benchmarks;

/// <summary>
/// Scenario 2: start-up from the last-known-good snapshot (restore it, then read only the changes since over
/// the network) against a cold load of the same bucket.
/// </summary>
internal static class WarmStartBenchmark
{
    internal sealed record Result(int Keys, double ColdMs, double WarmMs, int ChangedSince);

    public static async Task<List<Result>> RunAsync(BenchEnvironment env, BenchSettings settings)
    {
        var results = new List<Result>();
        var directory = Path.Combine(Path.GetTempPath(), "natskvconfig-bench", Guid.NewGuid().ToString("N"));
        try
        {
            foreach (var keys in settings.KeyCounts)
            {
                var store = await env.SeededAsync(keys);
                var snapshotPath = Path.Combine(directory, $"{store.Bucket}.snapshot");

                // Write the snapshot (disposal writes the last state), then put 1% of the keys again (same values,
                // so the other scenarios' data stays as it was): a warm start restores the snapshot and reads those.
                using (env.BuildProvider(store.Bucket, s => s.SnapshotPath = snapshotPath))
                {
                }

                // Each warm start begins from this copy: a provider rewrites its snapshot as it goes (and on
                // disposal), so without it later rounds would find nothing written since and measure less work.
                var pristine = snapshotPath + ".pristine";
                File.Copy(snapshotPath, pristine);

                var changed = Math.Max(1, keys / 100);
                for (var i = 0; i < changed; i++)
                {
                    var index = i * (keys / changed);
                    await store.PutAsync(BenchData.Key(index), Encoding.UTF8.GetBytes(BenchData.Value(index)));
                }

                var cold = new List<double>();
                var warm = new List<double>();
                double WarmStart()
                {
                    File.Copy(pristine, snapshotPath, overwrite: true);
                    return Time(() => env.BuildProvider(store.Bucket, s => s.SnapshotPath = snapshotPath));
                }

                Time(() => env.BuildProvider(store.Bucket));
                WarmStart();
                for (var round = 0; round < settings.Rounds; round++)
                {
                    if (round % 2 == 0)
                    {
                        cold.Add(Time(() => env.BuildProvider(store.Bucket)));
                        warm.Add(WarmStart());
                    }
                    else
                    {
                        warm.Add(WarmStart());
                        cold.Add(Time(() => env.BuildProvider(store.Bucket)));
                    }
                }

                results.Add(new Result(keys, Stats.Median(cold), Stats.Median(warm), changed));
                Console.WriteLine($"  warm start {keys,7:N0} keys: cold {Stats.Ms(results[^1].ColdMs)}, from snapshot {Stats.Ms(results[^1].WarmMs)}");
            }
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        return results;
    }

    private static double Time(Func<IDisposable> build)
    {
        var stopwatch = Stopwatch.StartNew();
        var root = build();
        var elapsed = stopwatch.Elapsed.TotalMilliseconds;
        root.Dispose();
        return elapsed;
    }
}
