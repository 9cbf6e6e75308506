using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace NatsKvConfig.Benchmarks;

/// <summary>
/// Scenario 6: managed bytes the provider retains per key, against <see cref="MemoryConfigurationProvider"/> holding
/// the same paths and values. Both are read as binding reads them (<c>GetChildren()</c> at the root, a section
/// bound) before measuring, so the provider's lazily built child index is included. What a provider holds whatever
/// its size (the watch, its subscription and buffers) is measured on an empty bucket and subtracted, and reported
/// apart. Not the slope between two sizes: the benchmark's keys spread over 100 × 100 parent sections, so up to
/// 10,000 keys every key brings a parent of its own and beyond that they share them, and a slope from 10,000 to
/// 100,000 keys would leave out the parents the first 10,000 keys created.
/// </summary>
internal static class MemoryBenchmark
{
    private static int _disagreements;
    private static int _measurements;

    /// <summary>Retained bytes (medians) with one bucket of <paramref name="Paths"/> configuration paths loaded.</summary>
    /// <param name="Keys">The keys seeded (plus the 50-key section, and a probe key when scenario 3 ran first).</param>
    /// <param name="Paths">The paths the provider holds: one per key, since the benchmark's values are not JSON.</param>
    /// <param name="MemoryBytes">The memory provider, after the reads.</param>
    /// <param name="ProviderBytes">NatsKvConfig's provider, after the reads.</param>
    /// <param name="ProviderBytesBeforeReads">NatsKvConfig's provider right after <c>Build()</c>, before any child index.</param>
    internal sealed record Size(int Keys, int Paths, double MemoryBytes, double ProviderBytes, double ProviderBytesBeforeReads);

    /// <param name="Sizes">Each bucket size measured.</param>
    /// <param name="EmptyMemoryBytes">A memory provider with no data: its constant.</param>
    /// <param name="EmptyProviderBytes">A provider of an empty bucket: its constant (the watch, subscription, buffers).</param>
    /// <param name="Disagreements">Measurements in which <c>GC.GetTotalMemory</c> and <c>GC.GetGCMemoryInfo</c> disagreed.</param>
    /// <param name="Measurements">Measurements made.</param>
    internal sealed record Result(IReadOnlyList<Size> Sizes, double EmptyMemoryBytes, double EmptyProviderBytes, int Disagreements, int Measurements)
    {
        public double MemoryPerKey(Size size) => (size.MemoryBytes - EmptyMemoryBytes) / size.Paths;

        public double ProviderPerKey(Size size) => (size.ProviderBytes - EmptyProviderBytes) / size.Paths;

        public double ChildIndexPerKey(Size size) => (size.ProviderBytes - size.ProviderBytesBeforeReads) / size.Paths;
    }

    public static async Task<Result> RunAsync(BenchEnvironment env, BenchSettings settings)
    {
        var rounds = Math.Min(settings.Rounds, 3);
        _disagreements = _measurements = 0;
        var empty = await env.NewBucketAsync("benchempty");

        // Warm-up of both sides and the reads: JIT, the binder's caches and connection buffers are not what is measured.
        var warmUp = await env.SeededAsync(settings.KeyCounts[0]);
        _ = Measure(() => env.BuildProvider(warmUp.Bucket));
        _ = Measure(() => MemoryRoot(Pairs(env, warmUp.Bucket)));

        var emptyProvider = Stats.Median(Enumerable.Range(0, rounds).Select(_ => (double)Measure(() => env.BuildProvider(empty.Bucket)).AfterReads).ToArray());
        var emptyMemory = Stats.Median(Enumerable.Range(0, rounds).Select(_ => (double)Measure(() => MemoryRoot([])).AfterReads).ToArray());
        var sizes = new List<Size>();
        foreach (var keys in settings.KeyCounts)
        {
            var store = await env.SeededAsync(keys);
            var pairs = Pairs(env, store.Bucket);
            var memory = new List<double>();
            var provider = new List<double>();
            var providerBeforeReads = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                var (afterBuild, afterReads) = Measure(() => env.BuildProvider(store.Bucket));
                providerBeforeReads.Add(afterBuild);
                provider.Add(afterReads);
                memory.Add(Measure(() => MemoryRoot(pairs)).AfterReads);
            }

            sizes.Add(new Size(keys, pairs.Length, Stats.Median(memory), Stats.Median(provider), Stats.Median(providerBeforeReads)));
            var result = new Result(sizes, emptyMemory, emptyProvider, _disagreements, _measurements);
            Console.WriteLine($"  memory per key at {pairs.Length:N0} paths: memory provider {result.MemoryPerKey(sizes[^1]):0} B, provider {result.ProviderPerKey(sizes[^1]):0} B (child index {result.ChildIndexPerKey(sizes[^1]):0} B of it); constant per provider {emptyProvider / 1024:0} KiB");
        }

        return new Result(sizes, emptyMemory, emptyProvider, _disagreements, _measurements);
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
    /// Bytes still reachable after <paramref name="build"/>, and after the reads binding makes, each after full
    /// compacting collections; the configuration is kept alive until after the last.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (long AfterBuild, long AfterReads) Measure(Func<ConfigurationRoot> build)
    {
        var (before, beforeInfo) = Heap();
        var root = build();
        var (afterBuild, _) = Heap();
        _ = ReadAsBindingDoes(root);
        var (after, afterInfo) = Heap();
        GC.KeepAlive(root);
        root.Dispose();

        // A cross-check from the collector's own accounting: the two disagree only when something else (the
        // connection's buffers, say) grew in between, and then the measurement is not to be trusted.
        var fromInfo = afterInfo - beforeInfo;
        _measurements++;
        if (Math.Abs(fromInfo - (after - before)) > Math.Max(64 * 1024, (after - before) / 20))
        {
            _disagreements++;
            Console.WriteLine($"  (GC.GetTotalMemory says {after - before:N0} B retained, GC.GetGCMemoryInfo {fromInfo:N0} B)");
        }

        return (afterBuild - before, after - before);
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
