using Microsoft.Extensions.Configuration;

namespace NatsKvConfig.Benchmarks;

/// <summary>Scenario 6: managed bytes retained per loaded key, against the memory provider holding the same data.</summary>
internal static class MemoryBenchmark
{
    internal sealed record Result(int Keys, double MemoryBytesPerKey, double ProviderBytesPerKey);

    public static async Task<Result> RunAsync(BenchEnvironment env, BenchSettings settings)
    {
        var keys = settings.LargestKeyCount;
        var store = await env.SeededAsync(keys);
        using (env.BuildProvider(store.Bucket))
        {
            // Warm-up: JIT and connection buffers are not what is measured.
        }

        var before = Retained();
        var provider = env.BuildProvider(store.Bucket);
        var providerBytes = Retained() - before;

        // The memory provider gets fresh copies of the same strings, made after the baseline as the provider's are.
        var source = provider.AsEnumerable().Where(p => p.Value is not null).ToArray();
        var count = source.Length;
        before = Retained();
        var data = source.Select(p => new KeyValuePair<string, string?>(new string(p.Key), new string(p.Value))).ToList();
        var memory = new ConfigurationBuilder().AddInMemoryCollection(data).Build();
        data = null;
        var memoryBytes = Retained() - before;
        GC.KeepAlive(memory);
        provider.Dispose();

        var result = new Result(keys, memoryBytes / (double)count, providerBytes / (double)count);
        Console.WriteLine($"  memory per key at {keys:N0}: memory provider {result.MemoryBytesPerKey:0} B, provider {result.ProviderBytesPerKey:0} B");
        return result;
    }

    private static long Retained()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
