using System.Diagnostics;
using NATS.Client.KeyValueStore;

namespace NatsKvConfig.Benchmarks;

/// <summary>
/// Scenario 1: a cold load into <c>IConfigurationRoot</c> against the floor (NATS.Net's own watch reading the
/// initial state, every entry of it, doing nothing with it), the same watch reading the stream whole (as the
/// provider reads a bucket holding one message per key: the like-for-like floor) and the naive pattern (list keys,
/// then get each). Every side is checked to have everything: the floors count their entries up to the bucket's
/// message count, and the provider must hold every seeded path after <c>Build()</c>; one falls short and the run fails.
/// </summary>
internal static class ColdLoadBenchmark
{
    // Entries: the entries in the bucket, all of which the floor counted. EarlyEnds: floor rounds in which nats-server
    // reported no more pending (Delta 0) before the last entry.
    // FloorFaults, ProviderFaults: the median minor page faults of the process during one load (first touches of memory
    // pages), or null where the system does not report them.
    // WholeStreamMs: the floor's watch asking for every message of the stream (IncludeHistory) rather than each key's
    // last, as the provider does when every key has one message. FloorFirstMs, WholeStreamFirstMs: when the first
    // entry arrived, in the median round of each: what the server took before it sent anything.
    internal sealed record Result(int Keys, long Entries, double FloorMs, double ProviderMs, double? NaiveMs, int EarlyEnds, double? FloorFaults = null, double? ProviderFaults = null)
    {
        public double WholeStreamMs { get; init; }

        public double FloorFirstMs { get; init; }

        public double WholeStreamFirstMs { get; init; }
    }

    // Ample for 100k entries on a slow machine; a floor or load that has not finished by then is broken, not slow.
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    public static async Task<List<Result>> RunAsync(BenchEnvironment env, BenchSettings settings)
    {
        var results = new List<Result>();
        foreach (var keys in settings.KeyCounts)
        {
            var store = await env.SeededAsync(keys);

            // History is 1 and nothing is deleted, so every message in the stream is one key's entry of the initial state.
            var entries = (await store.GetStatusAsync()).Info.State.Messages;
            if (entries < keys + BenchData.SectionKeys)
            {
                throw new InvalidOperationException($"Bucket {store.Bucket} holds {entries:N0} messages; seeding put {keys + BenchData.SectionKeys:N0} keys.");
            }

            var floor = new List<double>();
            var floorFirst = new List<double>();
            var wholeStream = new List<double>();
            var wholeStreamFirst = new List<double>();
            var provider = new List<double>();
            var floorFaults = new List<double>();
            var providerFaults = new List<double>();
            var naive = new List<double>();
            var earlyEnds = 0;
            var runNaive = keys <= settings.NaiveMaxKeys;
            async Task Floor()
            {
                var (ms, firstMs, earlyEnd, faults) = await FloorAsync(env, store.Bucket, entries, wholeStream: false);
                floor.Add(ms);
                floorFirst.Add(firstMs);
                earlyEnds += earlyEnd ? 1 : 0;
                if (faults is { } f)
                {
                    floorFaults.Add(f);
                }
            }

            async Task WholeStream()
            {
                var (ms, firstMs, _, _) = await FloorAsync(env, store.Bucket, entries, wholeStream: true);
                wholeStream.Add(ms);
                wholeStreamFirst.Add(firstMs);
            }

            void ProviderRound()
            {
                var (ms, faults) = Provider(env, store.Bucket, keys);
                provider.Add(ms);
                if (faults is { } f)
                {
                    providerFaults.Add(f);
                }
            }

            // One warm-up of each side, then rounds that alternate which side goes first (the whole-stream watch runs
            // between them, so that neither floor always follows the provider).
            await FloorAsync(env, store.Bucket, entries, wholeStream: false);
            await FloorAsync(env, store.Bucket, entries, wholeStream: true);
            Provider(env, store.Bucket, keys);
            for (var round = 0; round < settings.ColdLoadRounds(keys); round++)
            {
                if (round % 2 == 0)
                {
                    await Floor();
                    await WholeStream();
                    ProviderRound();
                }
                else
                {
                    ProviderRound();
                    await WholeStream();
                    await Floor();
                }

                if (runNaive && round < Math.Min(settings.ColdLoadRounds(keys), 3))
                {
                    naive.Add(await NaiveAsync(store, entries));
                }
            }

            results.Add(new Result(keys, entries, Stats.Median(floor), Stats.Median(provider), runNaive ? Stats.Median(naive) : null, earlyEnds,
                floorFaults.Count > 0 ? Stats.Median(floorFaults) : null, providerFaults.Count > 0 ? Stats.Median(providerFaults) : null)
            {
                WholeStreamMs = Stats.Median(wholeStream),
                FloorFirstMs = Stats.Median(floorFirst),
                WholeStreamFirstMs = Stats.Median(wholeStreamFirst),
            });
            Console.WriteLine($"  cold load {keys,7:N0} keys ({entries:N0} entries, all counted): floor {Stats.Ms(results[^1].FloorMs)} (first entry after {Stats.Ms(results[^1].FloorFirstMs)}), whole-stream watch {Stats.Ms(results[^1].WholeStreamMs)} (first after {Stats.Ms(results[^1].WholeStreamFirstMs)}), provider {Stats.Ms(results[^1].ProviderMs)}, naive {(runNaive ? Stats.Ms(results[^1].NaiveMs!.Value) : "-")}, early 'no more pending' in {earlyEnds} of {settings.ColdLoadRounds(keys)} floor rounds");
        }

        return results;
    }

    /// <summary>
    /// Reads the initial state until all <paramref name="entries"/> have arrived. Delta 0 is not the end: nats-server
    /// 2.9 can report it before the last entry (nats-server #4824), and a floor that stopped there would be too fast.
    /// </summary>
    /// <remarks>
    /// Timed from a bucket name on an open connection, as the provider is: getting the store (one request) is part of
    /// a raw watch's cold load too. With <paramref name="wholeStream"/>, the watch asks for every message of the
    /// stream (<c>IncludeHistory</c>) rather than each key's last: the same entries when every key has one message.
    /// </remarks>
    private static async Task<(double Ms, double FirstMs, bool EarlyEnd, long? Faults)> FloorAsync(BenchEnvironment env, string bucket, long entries, bool wholeStream)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var opts = new NatsKVWatchOpts { OnNoData = _ => new ValueTask<bool>(true), IncludeHistory = wholeStream };
        long received = 0;
        var firstMs = double.NaN;
        var earlyEnd = false;
        Settle();
        var faultsBefore = PageFaults.Minor();
        var stopwatch = Stopwatch.StartNew();
        var store = await env.Kv.GetStoreAsync(bucket, deadline.Token);
        try
        {
            await foreach (var entry in store.WatchAsync<byte[]>(">", opts: opts, cancellationToken: deadline.Token))
            {
                if (received++ == 0)
                {
                    firstMs = stopwatch.Elapsed.TotalMilliseconds;
                }

                if (received >= entries)
                {
                    break;
                }

                earlyEnd |= entry.Delta == 0;
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // Reported below with the count.
        }

        var elapsed = stopwatch.Elapsed.TotalMilliseconds;
        var faults = PageFaults.Minor() - faultsBefore;
        if (received != entries)
        {
            throw new InvalidOperationException($"The floor's watch of {store.Bucket} received {received:N0} of its {entries:N0} entries within {Deadline.TotalMinutes} minutes.");
        }

        return (elapsed, firstMs, earlyEnd, faults);
    }

    private static (double Ms, long? Faults) Provider(BenchEnvironment env, string bucket, int keys)
    {
        Settle();
        var faultsBefore = PageFaults.Minor();
        var stopwatch = Stopwatch.StartNew();
        var root = env.BuildProvider(bucket);
        var elapsed = stopwatch.Elapsed.TotalMilliseconds;
        var faults = PageFaults.Minor() - faultsBefore;

        // Checked after the clock stopped: a provider that returned from Build() without all of its keys measured nothing.
        var provider = root.Providers.OfType<NatsKvConfigurationProvider>().Single();
        var missing = BenchData.SeededPaths(keys).Count(path => !provider.TryGet(path, out _));
        root.Dispose();
        if (missing > 0)
        {
            throw new InvalidOperationException($"The provider of {bucket} returned from Build() without {missing:N0} of its {keys + BenchData.SectionKeys:N0} seeded keys.");
        }

        return (elapsed, faults);
    }
    /// <summary>
    /// Collects what earlier rounds left, so that neither side pays for the other's garbage (a disposed provider
    /// of 100,000 keys is tens of megabytes).
    /// </summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>Lists the keys, then gets each. Checked like the floor: a naive load that missed keys did less work.</summary>
    private static async Task<double> NaiveAsync(INatsKVStore store, long entries)
    {
        var stopwatch = Stopwatch.StartNew();
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        await foreach (var key in store.GetKeysAsync())
        {
            var entry = await store.GetEntryAsync<string>(key);
            data[key.Replace('.', ':')] = entry.Value;
        }

        var elapsed = stopwatch.Elapsed.TotalMilliseconds;
        if (data.Count != entries)
        {
            throw new InvalidOperationException($"The naive load of {store.Bucket} read {data.Count:N0} of its {entries:N0} keys.");
        }

        return elapsed;
    }
}
