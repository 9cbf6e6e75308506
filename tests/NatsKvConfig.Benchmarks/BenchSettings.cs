namespace NatsKvConfig.Benchmarks;

/// <summary>What to run: the full set (minutes) or every scenario at tiny sizes (a smoke test for CI).</summary>
internal sealed record BenchSettings(bool Quick, string OutputDirectory)
{
    /// <summary>Scenario numbers to run (<c>--only 1,3</c>); empty runs all. For investigating, not for the report.</summary>
    public IReadOnlySet<int> Only { get; init; } = new HashSet<int>();

    public bool Runs(int scenario) => Only.Count == 0 || Only.Contains(scenario);

    /// <summary>Bucket sizes to run instead of the defaults (<c>--keys 1000,10000</c>). For investigating, not for the report.</summary>
    public int[]? Keys { get; init; }

    public int[] KeyCounts => Keys ?? (Quick ? [100, 1_000] : [1_000, 10_000, 100_000]);

    public int LargestKeyCount => KeyCounts[^1];

    /// <summary>Rounds per comparison; both sides run in every round, alternating which goes first.</summary>
    public int Rounds => Quick ? 2 : 5;

    /// <summary>
    /// Rounds of the cold load at <paramref name="keys"/>. Single loads here vary by a third or more from round to
    /// round (two cores shared with nats-server): with 9 rounds the median of the same build's ratio at 100,000 keys
    /// ranged over 1.02–1.44× from run to run, with 21 over 1.04–1.11×. More rounds narrow that further.
    /// </summary>
    public int ColdLoadRounds(int keys) => Quick ? 2 : 31;

    /// <summary>The naive pattern is one round trip per key: too slow to repeat at 100k.</summary>
    public int NaiveMaxKeys => Quick ? 1_000 : 10_000;

    public int PropagationSamples => Quick ? 20 : 400;

    public int BurstPuts => Quick ? 500 : 10_000;

    public int ReadIterations => Quick ? 2_000 : 200_000;

    /// <summary>Bucket sizes of the per-change apply cost; the first is the baseline of its ratio.</summary>
    public int[] ApplyKeyCounts => Keys ?? (Quick ? [1_000, 10_000] : [1_000, 10_000, 100_000]);

    /// <summary>
    /// Changes applied per measurement with <paramref name="keys"/> loaded: twice the keys, so that the view's
    /// overlay (merged into its base once it passes a quarter of the base) merges several times and the merges are
    /// in the per-change cost; at least 200,000 (2,000 quick), as many as at 100,000 keys, so that every size is timed
    /// as long (20,000 changes of a 1,000-key bucket took 16 ms, and the ratio swung by half between runs).
    /// </summary>
    public int ApplyChanges(int keys) => Math.Max(2 * keys, Quick ? 2_000 : 200_000);

    /// <summary>App instances of the fleet scenario, each a provider (or a raw watcher) with a connection of its own.</summary>
    public int FleetInstances => FleetInstancesOverride ?? (Quick ? 20 : 1_000);

    /// <summary>Fleet size and storm bucket size instead of the defaults (<c>--fleet 200,1000</c>). For investigating, not for the report.</summary>
    public int? FleetInstancesOverride { get; init; }

    /// <summary>See <see cref="FleetInstancesOverride"/>.</summary>
    public int? FleetStormKeysOverride { get; init; }

    /// <summary>Puts timed from the writer to the fleet's last instance (after three warm-ups).</summary>
    public int FleetPuts => Quick ? 5 : 40;

    /// <summary>Keys of the bucket every instance of the fleet loads at once in the start storm.</summary>
    public int FleetStormKeys => FleetStormKeysOverride ?? (Quick ? 1_000 : 10_000);

    /// <summary>Changes per batch for the batched column: about what the provider drains at once during a burst.</summary>
    public int ApplyBatch => 100;

    public static BenchSettings Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var outIndex = Array.IndexOf(args, "--out");
        var output = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : Path.Combine("artifacts", "bench");
        var onlyIndex = Array.IndexOf(args, "--only");
        var only = onlyIndex >= 0 && onlyIndex + 1 < args.Length
            ? args[onlyIndex + 1].Split(',').Select(int.Parse).ToHashSet()
            : [];
        var keysIndex = Array.IndexOf(args, "--keys");
        var keys = keysIndex >= 0 && keysIndex + 1 < args.Length
            ? args[keysIndex + 1].Split(',').Select(k => int.Parse(k, System.Globalization.CultureInfo.InvariantCulture)).Order().ToArray()
            : null;
        var fleetIndex = Array.IndexOf(args, "--fleet");
        var fleet = fleetIndex >= 0 && fleetIndex + 1 < args.Length
            ? args[fleetIndex + 1].Split(',').Select(k => int.Parse(k, System.Globalization.CultureInfo.InvariantCulture)).ToArray()
            : null;
        return new BenchSettings(quick, Path.GetFullPath(output)) { Only = only, Keys = keys, FleetInstancesOverride = fleet?[0], FleetStormKeysOverride = fleet?[1] };
    }
}
