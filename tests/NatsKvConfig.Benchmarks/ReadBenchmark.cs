using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace NatsKvConfig.Benchmarks;

/// <summary>
/// Scenario 5: reads through <c>IConfiguration</c> with the largest bucket loaded, against
/// <c>MemoryConfigurationProvider</c> holding the same data, in the same process, alternating.
/// </summary>
internal static class ReadBenchmark
{
    internal sealed record Result(string Operation, double MemoryNs, double ProviderNs);

    public static async Task<List<Result>> RunAsync(BenchEnvironment env, BenchSettings settings)
    {
        var keys = settings.LargestKeyCount;
        var store = await env.SeededAsync(keys);
        using var provider = env.BuildProvider(store.Bucket);
        var memory = new ConfigurationBuilder()
            .AddInMemoryCollection(provider.AsEnumerable().Where(pair => pair.Value is not null))
            .Build();

        var random = new Random(42);
        var paths = Enumerable.Range(0, 1024).Select(_ => BenchData.Path(random.Next(keys))).ToArray();
        var iterations = settings.ReadIterations;

        // The indexer is too quick to time one call at a time: one call here is a pass over 1,024 paths.
        (string Name, int Calls, int ReadsPerCall, Func<IConfiguration, int> Operation)[] operations =
        [
            ("configuration[\"s:g:k\"]", Math.Max(10, iterations / 1024), paths.Length, c => IndexerLoop(c, paths)),
            ("GetSection(\"sec\").Get<T>() (50 keys)", settings.Quick ? 10 : 40, 1, c => c.GetSection("sec").Get<Dictionary<string, string>>()!.Count),
            ("GetChildren() at the root", settings.Quick ? 3 : 10, 1, c => c.GetChildren().Count()),
        ];

        var results = new List<Result>();
        foreach (var (name, count, readsPerCall, operation) in operations)
        {
            var memoryNs = new List<double>();
            var providerNs = new List<double>();
            Time(memory, operation, Math.Max(1, count / 10), readsPerCall); // warm-up
            Time(provider, operation, Math.Max(1, count / 10), readsPerCall);
            for (var round = 0; round < settings.Rounds; round++)
            {
                if (round % 2 == 0)
                {
                    memoryNs.Add(Time(memory, operation, count, readsPerCall));
                    providerNs.Add(Time(provider, operation, count, readsPerCall));
                }
                else
                {
                    providerNs.Add(Time(provider, operation, count, readsPerCall));
                    memoryNs.Add(Time(memory, operation, count, readsPerCall));
                }
            }

            results.Add(new Result(name, Stats.Median(memoryNs), Stats.Median(providerNs)));
            Console.WriteLine($"  {name}: memory {Stats.Ns(results[^1].MemoryNs)}, provider {Stats.Ns(results[^1].ProviderNs)}");
        }

        return results;
    }

    private static int IndexerLoop(IConfiguration configuration, string[] paths)
    {
        var found = 0;
        foreach (var path in paths)
        {
            if (configuration[path] is not null)
            {
                found++;
            }
        }

        return found;
    }

    /// <summary>Nanoseconds per read: per call, divided by the reads each call makes.</summary>
    private static double Time(IConfiguration configuration, Func<IConfiguration, int> operation, int count, int readsPerCall)
    {
        var sink = 0;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            sink += operation(configuration);
        }

        var elapsed = stopwatch.Elapsed.TotalNanoseconds;
        GC.KeepAlive(sink);
        return elapsed / count / readsPerCall;
    }
}
