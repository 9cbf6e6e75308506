using System.Diagnostics;
using NATS.Client.KeyValueStore;

namespace NatsKvConfig.Benchmarks;

/// <summary>
/// Scenario 1: a cold load into <c>IConfigurationRoot</c> against the floor (NATS.Net's own watch reading the
/// initial state to its end, doing nothing with it) and the naive pattern (list keys, then get each).
/// </summary>
internal static class ColdLoadBenchmark
{
    internal sealed record Result(int Keys, double FloorMs, double ProviderMs, double? NaiveMs);

    public static async Task<List<Result>> RunAsync(BenchEnvironment env, BenchSettings settings)
    {
        var results = new List<Result>();
        foreach (var keys in settings.KeyCounts)
        {
            var store = await env.SeededAsync(keys);
            var floor = new List<double>();
            var provider = new List<double>();
            var naive = new List<double>();
            var runNaive = keys <= settings.NaiveMaxKeys;

            // One warm-up of each side, then rounds that alternate which side goes first.
            await FloorAsync(store);
            Provider(env, store.Bucket);
            for (var round = 0; round < settings.Rounds; round++)
            {
                if (round % 2 == 0)
                {
                    floor.Add(await FloorAsync(store));
                    provider.Add(Provider(env, store.Bucket));
                }
                else
                {
                    provider.Add(Provider(env, store.Bucket));
                    floor.Add(await FloorAsync(store));
                }

                if (runNaive && round < Math.Min(settings.Rounds, 3))
                {
                    naive.Add(await NaiveAsync(store));
                }
            }

            results.Add(new Result(keys, Stats.Median(floor), Stats.Median(provider), runNaive ? Stats.Median(naive) : null));
            Console.WriteLine($"  cold load {keys,7:N0} keys: floor {Stats.Ms(results[^1].FloorMs)}, provider {Stats.Ms(results[^1].ProviderMs)}, naive {(runNaive ? Stats.Ms(results[^1].NaiveMs!.Value) : "-")}");
        }

        return results;
    }

    private static async Task<double> FloorAsync(INatsKVStore store)
    {
        var stopwatch = Stopwatch.StartNew();
        var opts = new NatsKVWatchOpts { OnNoData = _ => new ValueTask<bool>(true) };
        await foreach (var entry in store.WatchAsync<byte[]>(">", opts: opts))
        {
            if (entry.Delta == 0)
            {
                break;
            }
        }

        return stopwatch.Elapsed.TotalMilliseconds;
    }

    private static double Provider(BenchEnvironment env, string bucket)
    {
        var stopwatch = Stopwatch.StartNew();
        var root = env.BuildProvider(bucket);
        var elapsed = stopwatch.Elapsed.TotalMilliseconds;
        root.Dispose();
        return elapsed;
    }

    private static async Task<double> NaiveAsync(INatsKVStore store)
    {
        var stopwatch = Stopwatch.StartNew();
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        await foreach (var key in store.GetKeysAsync())
        {
            var entry = await store.GetEntryAsync<string>(key);
            data[key.Replace('.', ':')] = entry.Value;
        }

        return stopwatch.Elapsed.TotalMilliseconds;
    }
}
