using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;

namespace NatsKvConfig.Benchmarks;

/// <summary>
/// Scenario 7: the cost of applying a change (projection + new view, as the provider's apply loop does) with
/// 1k to 100k keys loaded, over twice as many changes as keys so that the view's overlay merges into its base
/// several times and every merge is paid for in the per-change cost. Flat means no whole-dictionary copy per
/// change. Runs in process, on the provider's own types; the changes are made with the clock stopped, a chunk at a time.
/// </summary>
internal static class ApplyCostBenchmark
{
    // Merges: how many times the view merged its overlay during one measurement one by one, or null when the view's
    // layout is not the one BaseOf reads.
    // GcNsPerChange: the part of NsPerChange that garbage collection paused the process for.
    // FloorNsPerChange: the same changes written into one mutable Dictionary (no view, no snapshot of any kind for
    // readers), each value decoded as the provider decodes it: what memory and the collector cost at this size anyway.
    internal sealed record Result(int Keys, int Changes, int? Merges, double NsPerChange, double GcNsPerChange, double NsPerChangeBatched, double FloorNsPerChange, double FloorGcNsPerChange);

    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);

    public static List<Result> Run(BenchSettings settings)
    {
        var results = new List<Result>();
        foreach (var keys in settings.ApplyKeyCounts)
        {
            var changes = settings.ApplyChanges(keys);
            var single = new List<double>();
            var gc = new List<double>();
            var batched = new List<double>();
            var floor = new List<double>();
            var floorGc = new List<double>();
            int? merges = null;

            // Warm-up before the first size: long enough for the tiered JIT to recompile the apply path fully optimised
            // (it waits 100 ms after the last new method), or the smallest bucket, the ratio's baseline, is measured slower.
            if (keys == settings.ApplyKeyCounts[0])
            {
                var warmUp = Stopwatch.StartNew();
                do
                {
                    _ = Measure(keys, changes, 1, -1);
                    _ = Measure(keys, changes, settings.ApplyBatch, -1);
                    _ = MeasureFloor(keys, changes, -1);
                }
                while (warmUp.Elapsed < WarmUp);
            }

            for (var round = 0; round < settings.Rounds; round++)
            {
                var one = Measure(keys, changes, 1, round);
                var many = Measure(keys, changes, settings.ApplyBatch, round);
                single.Add(one.NsPerChange);
                gc.Add(one.GcNsPerChange);
                batched.Add(many.NsPerChange);
                merges = one.Merges;
                var bare = MeasureFloor(keys, changes, round);
                floor.Add(bare.NsPerChange);
                floorGc.Add(bare.GcNsPerChange);
            }

            results.Add(new Result(keys, changes, merges, Stats.Median(single), Stats.Median(gc), Stats.Median(batched), Stats.Median(floor), Stats.Median(floorGc)));
            Console.WriteLine($"  apply {changes:N0} changes with {keys,7:N0} keys loaded ({merges?.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) ?? "?"} merges): {Stats.Ns(results[^1].NsPerChange)} per change one by one ({Stats.Ns(results[^1].GcNsPerChange)} of it GC pauses), {Stats.Ns(results[^1].NsPerChangeBatched)} in batches of {settings.ApplyBatch}; a bare Dictionary {Stats.Ns(results[^1].FloorNsPerChange)} ({Stats.Ns(results[^1].FloorGcNsPerChange)} GC)");
        }

        return results;
    }

    private static (double NsPerChange, int? Merges, double GcNsPerChange) Measure(int keys, int changes, int batchSize, int seed)
    {
        var projection = new BucketProjection(JsonExpansionLimits.Default);
        var warnings = new List<ProjectionWarning>();
        var view = projection.Replace(
            Enumerable.Range(0, keys).Select(i => new KvChange(BenchData.Key(i), (ulong)i + 1, false, Encoding.UTF8.GetBytes(BenchData.Value(i)), default)),
            warnings);

        // Readers bind, so the view has a child index to keep current.
        _ = view.GetChildKeys([], null);

        // The last measurement's projection is garbage: collected now, not during this one's clock.
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var counting = CanCountMerges(view);
        var merges = 0;
        var lastBase = counting ? BaseOf(view) : null;
        var (nsPerChange, gcNsPerChange) = TimeInChunks(
            keys,
            changes,
            seed,
            static (chunk, count, batchSize) => chunk.Take(count).Chunk(batchSize).ToList(),
            batchSize,
            batches =>
            {
                foreach (var batch in batches)
                {
                    view = projection.Apply(batch, view, warnings);
                    if (counting && !ReferenceEquals(BaseOf(view), lastBase))
                    {
                        merges++;
                        lastBase = BaseOf(view);
                    }
                }
            });

        if (view.Count != keys || warnings.Count > 0)
        {
            throw new InvalidOperationException($"Applying {changes:N0} changes to {keys:N0} keys left {view.Count:N0} paths and {warnings.Count} warnings.");
        }

        return (nsPerChange, counting ? merges : null, gcNsPerChange);
    }

    /// <summary>
    /// The floor of the same work: the same random puts, made the same way, each decoded and written into one mutable
    /// <c>Dictionary</c> of the paths (what <c>MemoryConfigurationProvider</c> holds). Nothing immutable, nothing for
    /// readers to hold on to: how much of the growth with the keys loaded is memory and the collector, whatever the design.
    /// </summary>
    private static (double NsPerChange, double GcNsPerChange) MeasureFloor(int keys, int changes, int seed)
    {
        var data = new Dictionary<string, string?>(keys, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < keys; i++)
        {
            data[BenchData.Path(i)] = BenchData.Value(i);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();

        var result = TimeInChunks(
            keys,
            changes,
            seed,
            static (chunk, count, _) => (Chunk: chunk, Count: count),
            0,
            work =>
            {
                for (var j = 0; j < work.Count; j++)
                {
                    data[work.Chunk[j].Key.Replace('.', ':')] = Encoding.UTF8.GetString(work.Chunk[j].Value.Span);
                }
            });

        if (data.Count != keys)
        {
            throw new InvalidOperationException($"The floor's dictionary holds {data.Count:N0} paths, not {keys:N0}.");
        }

        return result;
    }

    /// <summary>
    /// Times <paramref name="apply"/> over <paramref name="changes"/> puts of new values to random keys, made a
    /// thousand at a time with the clock stopped (and shaped for it by <paramref name="prepare"/>): formatting them is
    /// not applying them. Made just before they are applied, they die young, as changes read from a watch do; made
    /// all at once up front, 200,000 of them would sit in the old generation for every collection to trace, a cost
    /// that grows with the run, not with the keys loaded. Returns the time and the GC pauses per change.
    /// </summary>
    private static (double NsPerChange, double GcNsPerChange) TimeInChunks<T>(int keys, int changes, int seed, Func<KvChange[], int, int, T> prepare, int batchSize, Action<T> apply)
    {
        const int ChunkChanges = 1_000;
        var random = new Random(7 + seed);
        var revision = (ulong)keys;
        var stopwatch = new Stopwatch();
        var paused = TimeSpan.Zero;
        var chunk = new KvChange[ChunkChanges];
        for (var chunkStart = 0; chunkStart < changes; chunkStart += ChunkChanges)
        {
            var count = Math.Min(ChunkChanges, changes - chunkStart);
            for (var j = 0; j < count; j++)
            {
                chunk[j] = new KvChange(BenchData.Key(random.Next(keys)), ++revision, false, Encoding.UTF8.GetBytes(BenchData.Value(chunkStart + j)), default);
            }

            var work = prepare(chunk, count, batchSize);
            var pausedBefore = GC.GetTotalPauseDuration();
            stopwatch.Start();
            apply(work);
            stopwatch.Stop();
            paused += GC.GetTotalPauseDuration() - pausedBefore;
        }

        return (stopwatch.Elapsed.TotalNanoseconds / changes, paused.TotalNanoseconds / changes);
    }

    // The view's base dictionary, which a merge replaces: read only to count merges, which the view does not expose.
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_base")]
    private static extern ref PathTable BaseOf(ConfigurationView view);

    private static bool CanCountMerges(ConfigurationView view)
    {
        try
        {
            _ = BaseOf(view);
            return true;
        }
        catch (MissingFieldException)
        {
            return false; // the view was rebuilt differently; the cost is still measured, merges are not counted
        }
    }
}
