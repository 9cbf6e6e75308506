using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace NatsKvConfig.Benchmarks;

/// <summary>
/// Scenario 6: managed bytes the provider retains per key, against <see cref="MemoryConfigurationProvider"/> holding
/// the same paths and values. Both are read as binding reads them (<c>GetChildren()</c> at the root, a section
/// bound) before measuring, so the provider's lazily built child index is included. Per-key bytes are the slope
/// between two bucket sizes; what each provider holds whatever its size (the watch, its subscription and buffers)
/// is the intercept, reported apart and checked against a provider of an empty bucket.
/// </summary>
internal static class MemoryBenchmark
{
    /// <summary>Retained bytes of each side (medians) with one bucket of <paramref name="Paths"/> configuration paths loaded.</summary>
    internal sealed record Size(int Keys, int Paths, double MemoryBytes, double ProviderBytes);

    internal sealed record Result(Size Small, Size Large, double EmptyProviderBytes)
    {
        public double MemoryBytesPerKey => Slope(Small.MemoryBytes, Large.MemoryBytes);

        public double ProviderBytesPerKey => Slope(Small.ProviderBytes, Large.ProviderBytes);

        public double MemoryConstantBytes => Large.MemoryBytes - (MemoryBytesPerKey * Large.Paths);

        public double ProviderConstantBytes => Large.ProviderBytes - (ProviderBytesPerKey * Large.Paths);

        private double Slope(double small, double large) => (large - small) / (Large.Paths - Small.Paths);
    }

    public static async Task<Result> RunAsync(BenchEnvironment env, BenchSettings settings)
    {
        var rounds = Math.Min(settings.Rounds, 3);
        var empty = await env.NewBucketAsync("benchempty");

        // Warm-up of both sides and the reads: JIT, the binder's caches and connection buffers are not what is measured.
        var warmUp = await env.SeededAsync(settings.KeyCounts[0]);
        _ = Measure(() => env.BuildProvider(warmUp.Bucket));
        _ = Measure(() => MemoryRoot(Pairs(env, warmUp.Bucket)));

        var emptyBytes = Stats.Median(Enumerable.Range(0, rounds).Select(_ => (double)Measure(() => env.BuildProvider(empty.Bucket))).ToArray());
        var sizes = new List<Size>();
        foreach (var keys in settings.KeyCounts[^2..])
        {
            var store = await env.SeededAsync(keys);
            var pairs = Pairs(env, store.Bucket);
            var memory = new List<double>();
            var provider = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                provider.Add(Measure(() => env.BuildProvider(store.Bucket)));
                memory.Add(Measure(() => MemoryRoot(pairs)));
            }

            sizes.Add(new Size(keys, pairs.Length, Stats.Median(memory), Stats.Median(provider)));
            Console.WriteLine($"  memory at {pairs.Length:N0} paths: memory provider {sizes[^1].MemoryBytes / pairs.Length:0} B/path, provider {sizes[^1].ProviderBytes / pairs.Length:0} B/path (totals over paths, constant included)");
        }

        var result = new Result(sizes[0], sizes[1], emptyBytes);
        Console.WriteLine($"  memory per key (slope {sizes[0].Paths:N0} → {sizes[1].Paths:N0} paths): memory provider {result.MemoryBytesPerKey:0} B, provider {result.ProviderBytesPerKey:0} B; constant per provider {result.ProviderConstantBytes / 1024:0} KiB (empty bucket: {emptyBytes / 1024:0} KiB)");
        return result;
    }

    /// <summary>The paths and values a provider of <paramref name="bucket"/> holds, read from one (then disposed).</summary>
    private static KeyValuePair<string, string?>[] Pairs(BenchEnvironment env, string bucket)
    {
        using var root = env.BuildProvider(bucket);
        return root.AsEnumerable().Where(p => p.Value is not null).ToArray();
    }

    /// <summary>
    /// The memory provider over fresh copies of the strings (made after the baseline, as the provider makes its own),
    /// fed lazily so that no list of them stays reachable from its source.
    /// </summary>
    private static ConfigurationRoot MemoryRoot(KeyValuePair<string, string?>[] pairs) =>
        new([new MemoryConfigurationProvider(new MemoryConfigurationSource { InitialData = Copies(pairs) })]);

    private static IEnumerable<KeyValuePair<string, string?>> Copies(KeyValuePair<string, string?>[] pairs)
    {
        foreach (var (key, value) in pairs)
        {
            yield return new KeyValuePair<string, string?>(new string(key), value is null ? null : new string(value));
        }
    }

    /// <summary>
    /// Bytes still reachable after <paramref name="build"/> and the reads binding makes, between two full compacting
    /// collections; the configuration is kept alive until after the second.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Measure(Func<ConfigurationRoot> build)
    {
        var (before, beforeInfo) = Heap();
        var root = build();
        _ = ReadAsBindingDoes(root);
        var (after, afterInfo) = Heap();
        GC.KeepAlive(root);
        root.Dispose();

        // A cross-check from the collector's own accounting: the two disagree only when something else (the
        // connection's buffers, say) grew in between, and then the measurement is not to be trusted.
        var fromInfo = afterInfo - beforeInfo;
        if (Math.Abs(fromInfo - (after - before)) > Math.Max(64 * 1024, (after - before) / 20))
        {
            Console.WriteLine($"  (GC.GetTotalMemory says {after - before:N0} B retained, GC.GetGCMemoryInfo {fromInfo:N0} B)");
        }

        return after - before;
    }

    // GC.GetTotalMemory, and the heap's size less its free space as the last full blocking collection saw it.
    private static (long Total, long Live) Heap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        return (GC.GetTotalMemory(forceFullCollection: false), info.HeapSizeBytes - info.FragmentedBytes);
    }

    // As binding reads: the root's children (binding the root, or AsEnumerable), and a few sections bound in full.
    private static int ReadAsBindingDoes(ConfigurationRoot root)
    {
        var children = 0;
        foreach (var child in root.GetChildren())
        {
            children += child.Key.Length;
        }

        children += root.GetSection("sec").Get<Dictionary<string, string>>()?.Count ?? 0;
        foreach (var child in root.GetSection("s0").GetChildren())
        {
            children += child.Key.Length;
        }

        children += root.GetSection("s0:g0").Get<Dictionary<string, string>>()?.Count ?? 0;
        return children;
    }
}
