// NatsKvConfig benchmarks: an end-to-end harness against a real local nats-server.
//
//   ./build.sh bench            full run (a few minutes), writes docs/benchmarks.md and docs/images/*.png
//   ./build.sh bench --quick    every scenario at tiny sizes, into artifacts/bench (a smoke test for CI)
//   ./build.sh bench --micro    BenchmarkDotNet micro benchmarks of reads and apply cost (in process)
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NatsKvConfig.Benchmarks;

if (args.Contains("--micro"))
{
    // BenchmarkDotNet, in process (no generated project to build), for the in-process micro benchmarks.
    var config = DefaultConfig.Instance
        .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
        .WithArtifactsPath(Path.GetFullPath(Path.Combine("artifacts", "BenchmarkDotNet.Artifacts")));
    BenchmarkSwitcher.FromAssembly(typeof(BenchSettings).Assembly).RunAll(config, args.Where(a => a != "--micro").ToArray());
    return 0;
}

var settings = BenchSettings.Parse(args);
Directory.CreateDirectory(Path.Combine(settings.OutputDirectory, "images"));
Console.WriteLine($"NatsKvConfig benchmarks ({(settings.Quick ? "quick" : "full")}), output in {settings.OutputDirectory}");

await using var env = await BenchEnvironment.StartAsync();
var report = new Report(settings, env.Server.Version ?? "unknown");

if (settings.Runs(1))
{
    Console.WriteLine("1. cold load");
    var load = await ColdLoadBenchmark.RunAsync(env, settings);
    report.Section("1. Cold load", "Time for `Build()` to return with the bucket loaded, against the floor (NATS.Net's `WatchAsync` reading the initial state to its end and doing nothing with it) and the naive pattern (list keys, then get each). Goal: ≤ 1.05× the floor, ≥ 10× faster than the naive pattern. The naive pattern is measured up to " + Stats.Number(settings.NaiveMaxKeys) + " keys (one round trip per key).")
        .Table(
            ["keys", "floor", "provider", "provider / floor", "naive", "naive / provider", "goal"],
            load.Select(r => new[]
            {
                Stats.Number(r.Keys), Stats.Ms(r.FloorMs), Stats.Ms(r.ProviderMs), Stats.Ratio(r.ProviderMs, r.FloorMs),
                r.NaiveMs is { } naive ? Stats.Ms(naive) : "—", r.NaiveMs is { } n ? Stats.Ratio(n, r.ProviderMs) : "—",
                Stats.Verdict(r.ProviderMs <= 1.05 * r.FloorMs && (r.NaiveMs is not { } x || x >= 10 * r.ProviderMs)),
            }))
        .Paragraph(load.Any(r => r.ProviderMs > 1.05 * r.FloorMs)
            ? "**Where the floor goal is missed, and why.** The floor only receives entries; the provider also maps every key to a path, decodes and (for JSON) expands every value, tracks each key's revision and the owner of each path (to apply later changes incrementally, resolve case conflicts and never apply an older revision over a newer one), and builds the view readers see. On more than two cores it stages that work while the initial state streams in; on two, NATS.Net's own watcher already keeps both cores busy, staging alongside it measured slower, not faster, so the provider stages the state once it is complete, and the extra work adds to the wall time instead of hiding behind the network. For start-up time the answer is the last-known-good snapshot (scenario 2), which skips that work; the remaining lever for a cold load is fewer allocations per entry (one string per path instead of several, values kept as UTF-8 until read)."
            : "The provider stays within the floor goal at every size.")
        .Paragraph("![Load time against key count](images/load-time.png)");
    Plots.LoadTime(load, Path.Combine(settings.OutputDirectory, "images", "load-time.png"));
}

if (settings.Runs(2))
{
    Console.WriteLine("2. warm start");
    var warm = await WarmStartBenchmark.RunAsync(env, settings);
    report.Section("2. Warm start from a snapshot", "Time for `Build()` to return with the bucket loaded when `SnapshotPath` holds a snapshot of it: the provider restores the snapshot and reads only the entries written since (here 1% of the keys were written again), against a cold load of the same bucket. Goal: ≤ 0.2× the cold load at " + Stats.Number(settings.LargestKeyCount) + " keys.")
        .Table(
            ["keys", "written since", "cold load", "from snapshot", "snapshot / cold", "goal"],
            warm.Select(r => new[]
            {
                Stats.Number(r.Keys), Stats.Number(r.ChangedSince), Stats.Ms(r.ColdMs), Stats.Ms(r.WarmMs), Stats.Ratio(r.WarmMs, r.ColdMs),
                r.Keys == settings.LargestKeyCount ? Stats.Verdict(r.WarmMs <= 0.2 * r.ColdMs) : "—",
            }))
        .Paragraph("The snapshot stores what each key produced (paths and values, as UTF-8), so restoring it maps no key and parses no JSON; it is read and checked (XxHash64) in one pass. Reading the changes since is one watch from the snapshot's revision + 1, started while the snapshot's state is being built. Every warm round starts from the same snapshot file (a running provider rewrites its snapshot, so later rounds would otherwise find nothing written since).")
        .Paragraph(warm.Any(r => r.Keys == settings.LargestKeyCount && r.WarmMs > 0.2 * r.ColdMs)
            ? "**Where the goal is missed, and why.** Restoring still builds the same lookup structures a cold load builds (the per-key state, the path owners and the readers' view: three hash tables of the bucket's size, case-insensitive for paths) and allocates every string anew; everything allocated survives, so the garbage collections during the restore copy it all. Runs on this machine land on both sides of 0.2×."
            : "The warm start met its goal in this run. Restoring still builds the lookup structures a cold load builds (three hash tables of the bucket's size), so on this machine, whose runs vary by up to a third, a single run can land just above 0.2×.");
}

if (settings.Runs(3))
{
    Console.WriteLine("3. change propagation");
    var propagation = await PropagationBenchmark.RunAsync(env, settings);
    var json = await PropagationBenchmark.JsonFileAsync(settings.Quick ? 3 : 20);
    report.Section("3. Change propagation", "From sending a put to `IOptionsMonitor<T>.OnChange` seeing the new value, against the floor (a raw NATS.Net watch of the key, observing the same puts) and against `AddJsonFile(reloadOnChange: true)` (file write → `OnChange`). Goal: p50 ≤ floor + 0.3 ms, p99 ≤ 5 ms, flat from 10 keys to the largest bucket.")
        .Table(
            ["keys loaded", "floor p50", "floor p99", "provider p50", "provider p99", "p50 − floor", "goal"],
            propagation.Select(r =>
            {
                var floor50 = Stats.Median(r.FloorMs);
                var provider50 = Stats.Median(r.ProviderMs);
                var provider99 = Stats.Percentile(r.ProviderMs, 99);
                return new[]
                {
                    Stats.Number(r.LoadedKeys), Stats.Ms(floor50), Stats.Ms(Stats.Percentile(r.FloorMs, 99)), Stats.Ms(provider50), Stats.Ms(provider99),
                    Stats.Ms(provider50 - floor50), Stats.Verdict(provider50 <= floor50 + 0.3 && provider99 <= 5),
                };
            }))
        .Table(["JSON file with reloadOnChange", "p50", "p99"], [["file write → OnChange", Stats.Ms(Stats.Median(json)), Stats.Ms(Stats.Percentile(json, 99))]])
        .Paragraph("The JSON file provider waits its `ReloadDelay` (250 ms by default) after a file change before reloading, and depends on the file watcher.")
        .Paragraph("![Propagation latency](images/propagation.png)");
    Plots.Propagation(propagation, Path.Combine(settings.OutputDirectory, "images", "propagation.png"));
}

if (settings.Runs(4))
{
    Console.WriteLine("4. burst");
    var burst = await BurstBenchmark.RunAsync(env, settings);
    report.Section("4. Burst", $"{Stats.Number(burst.Puts)} puts to 100 keys as fast as NATS takes them: time from the first put until the provider has applied the last one, against a raw watch receiving all of them (both watch the same burst). Goal: ≤ 1.2× the floor.")
        .Table(
            ["puts", "floor", "provider", "provider / floor", "reloads raised", "goal"],
            [[Stats.Number(burst.Puts), Stats.Ms(burst.FloorMs), Stats.Ms(burst.ProviderMs), Stats.Ratio(burst.ProviderMs, burst.FloorMs), Stats.Number(burst.Reloads), Stats.Verdict(burst.ProviderMs <= 1.2 * burst.FloorMs)]]);
}

if (settings.Runs(5))
{
    Console.WriteLine("5. reads");
    var reads = await ReadBenchmark.RunAsync(env, settings);
    report.Section("5. Reads", $"Through `IConfiguration` with {Stats.Number(settings.LargestKeyCount)} keys loaded, against `MemoryConfigurationProvider` holding the same data. Goal: ≤ 1.0×.")
        .Table(
            ["operation", "memory provider", "NatsKvConfig", "ratio", "goal"],
            reads.Select(r => new[] { r.Operation, Stats.Ns(r.MemoryNs), Stats.Ns(r.ProviderNs), Stats.Ratio(r.ProviderNs, r.MemoryNs), Stats.Verdict(r.ProviderNs <= r.MemoryNs) }));
}

if (settings.Runs(6))
{
    Console.WriteLine("6. memory");
    var memory = await MemoryBenchmark.RunAsync(env, settings);
    report.Section("6. Memory", $"Managed bytes retained per loaded key at {Stats.Number(memory.Keys)} keys (after a full GC), against the memory provider holding the same data. The provider also keeps, per key, its revision and the paths it produced, to apply changes incrementally and resolve conflicts.")
        .Table(["keys", "memory provider", "NatsKvConfig", "ratio"],
            [[Stats.Number(memory.Keys), $"{memory.MemoryBytesPerKey:0} B", $"{memory.ProviderBytesPerKey:0} B", Stats.Ratio(memory.ProviderBytesPerKey, memory.MemoryBytesPerKey)]]);
}

if (settings.Runs(7))
{
    Console.WriteLine("7. per-change apply cost");
    var apply = ApplyCostBenchmark.Run(settings);
    report.Section("7. Per-change apply cost", "Applying one change as its own batch (projection and new view), with 1,000 keys and with the largest bucket loaded. Goal: flat — no whole-dictionary copy per change.")
        .Table(["keys loaded", "per change", "ratio to 1,000 keys"],
            apply.Select(r => new[] { Stats.Number(r.Keys), Stats.Ns(r.NsPerChange), Stats.Ratio(r.NsPerChange, apply[0].NsPerChange) }))
        .Paragraph("No step copies the whole dictionary: the view is a base dictionary plus a persistent overlay (O(log n) per change, merged into a new base every n/4 changes, O(1) amortised), and the projection's dictionaries are updated in place. What growth remains from 1,000 to 100,000 keys is memory, not work: the same few lookups miss the CPU caches more often in structures 100 times larger, and the overlay's tree is a few levels deeper.");
}

var reportPath = Path.Combine(settings.OutputDirectory, "benchmarks.md");
report.Save(reportPath);
Console.WriteLine($"Wrote {reportPath}");
return 0;
