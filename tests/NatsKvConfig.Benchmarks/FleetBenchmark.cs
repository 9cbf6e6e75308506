using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using NatsKvConfig.Testing;

namespace NatsKvConfig.Benchmarks;

/// <summary>
/// Scenario 8: a fleet of app instances on one bucket, each a provider with a connection of its own (as separate
/// processes would have), hosted in this one process: a put reaching the last instance against as many raw NATS.Net
/// watchers; all instances starting at once on a larger bucket (cold, from snapshots, and sharing one connection);
/// and what the fleet costs the server. Against one server and against a 3-node cluster with an R3 bucket.
/// </summary>
internal static class FleetBenchmark
{
    internal sealed record Propagation(string Topology, int Instances, double[] RawMs, double[] ProviderMs, double RawServerCpuPerPut, double ProviderServerCpuPerPut);

    // Loaded: instances whose Build() returned with the bucket within their start-up timeout.
    internal sealed record Storm(string Topology, string How, int Instances, int Keys, int Loaded, double AllLoadedMs, double MedianInstanceMs, double ClientCpuSeconds, double ServerCpuSeconds, int WatchFailures, string FailureCauses);

    internal sealed record Cost(string Topology, string Fleet, int Instances, long ServerBytesIdle, long ServerBytesWithFleet, long Consumers);

    internal sealed record Result(List<Propagation> Propagations, List<Storm> Storms, List<Cost> Costs);

    private const string ProbeKey = "fleet.probe";
    private const string ProbePath = "fleet:probe";

    // Instances started at once while a fleet for the propagation measure is set up (not timed): about what a
    // deployment rolls at a time.
    private const int StartParallelism = 16;

    // How long each instance of a storm may take to load: beyond it, it counts as not loaded.
    private static readonly TimeSpan StormStartupTimeout = TimeSpan.FromMinutes(1);

    // Instances starting at a time in the rolling start storm.
    private const int RollingStart = 16;

    public static async Task<Result> RunAsync(BenchSettings settings)
    {
        var result = new Result([], [], []);
        await using (var server = await NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true, ServerName = "fleet" }))
        {
            await RunTopologyAsync("one server", server.Url, [server.ProcessId!.Value], replicas: 1, settings, result);
        }

        await using (var cluster = await NatsCluster.StartAsync(3))
        {
            await RunTopologyAsync("3-node cluster, R3", cluster.Url, [.. cluster.Nodes.Select(node => node.ProcessId!.Value)], replicas: 3, settings, result);
        }

        return result;
    }

    private static async Task RunTopologyAsync(string topology, string url, int[] serverPids, int replicas, BenchSettings settings, Result result)
    {
        var instances = settings.FleetInstances;
        await using var admin = new NatsConnection(NatsOpts.Default with { Url = url, Name = "fleet-admin" });
        var js = new NatsJSContext(admin);
        var kv = new NatsKVContext(js);

        // Propagation: a small bucket, a raw fleet, then a provider fleet, each timed on the same number of puts.
        var small = await CreateAsync(kv, "fleet_small", replicas);
        for (var i = 0; i < 10; i++)
        {
            await small.PutAsync(BenchData.Key(i), Encoding.UTF8.GetBytes(BenchData.Value(i)));
        }

        await small.PutAsync(ProbeKey, Encoding.UTF8.GetBytes("-1"));
        var idle = ServerUsage.Of(serverPids);

        double[] rawMs;
        double rawCpu;
        await using (var raw = await RawFleet.StartAsync(url, small.Bucket, instances))
        {
            result.Costs.Add(new Cost(topology, "raw NATS.Net watchers", instances, idle.ResidentBytes, ServerUsage.Of(serverPids).ResidentBytes, await ConsumersAsync(js, small.Bucket)));
            (rawMs, rawCpu) = await PutsAsync(small, raw.Probe, serverPids, settings.FleetPuts);
        }

        // The raw watchers' consumers go with their connections; each fleet is counted on a bucket without the other's.
        await NoConsumersAsync(js, small.Bucket);
        idle = ServerUsage.Of(serverPids);
        double[] providerMs;
        double providerCpu;
        using (var providers = await ProviderFleet.StartAsync(url, small.Bucket, instances))
        {
            result.Costs.Add(new Cost(topology, "providers", instances, idle.ResidentBytes, ServerUsage.Of(serverPids).ResidentBytes, await ConsumersAsync(js, small.Bucket)));
            (providerMs, providerCpu) = await PutsAsync(small, providers.Probe, serverPids, settings.FleetPuts);
        }

        result.Propagations.Add(new Propagation(topology, instances, rawMs, providerMs, rawCpu, providerCpu));
        Console.WriteLine($"  fleet of {instances:N0} on {topology}: put → last instance p50 raw {Stats.Ms(Stats.Median(rawMs))}, providers {Stats.Ms(Stats.Median(providerMs))}");

        // The start storm: every instance starts at once on a larger bucket.
        var large = await CreateAsync(kv, "fleet_large", replicas);
        await BenchData.SeedAsync(large, settings.FleetStormKeys);
        var directory = Directory.CreateTempSubdirectory("natskvconfig-fleet-").FullName;
        try
        {
            result.Storms.Add(StormOf(topology, "own connections, cold", url, large.Bucket, instances, settings.FleetStormKeys, serverPids, _ => static _ => { }));
            await NoConsumersAsync(js, large.Bucket);
            result.Storms.Add(StormOf(topology, $"own connections, cold, {RollingStart} at a time", url, large.Bucket, instances, settings.FleetStormKeys, serverPids, _ => static _ => { }, RollingStart));
            await NoConsumersAsync(js, large.Bucket);

            // One provider writes the snapshot (on disposal); every instance gets a copy of its own, as each machine has its file.
            var pristine = Path.Combine(directory, "pristine.snapshot");
            using (Build(large.Bucket, s => { s.Url = url; s.SnapshotPath = pristine; }))
            {
            }

            for (var i = 0; i < instances; i++)
            {
                File.Copy(pristine, SnapshotOf(directory, i));
            }

            result.Storms.Add(StormOf(topology, "own connections, from snapshots", url, large.Bucket, instances, settings.FleetStormKeys, serverPids, i => s => s.SnapshotPath = SnapshotOf(directory, i)));
            await NoConsumersAsync(js, large.Bucket);

            var shared = new NatsConnection(NatsOpts.Default with { Url = url, Name = "fleet-shared" });
            try
            {
                await shared.ConnectAsync();
                result.Storms.Add(StormOf(topology, "one shared connection, cold", url, large.Bucket, instances, settings.FleetStormKeys, serverPids, _ => s => s.Connection = shared));
            }
            finally
            {
                await DisposeQuietlyAsync(shared);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        foreach (var storm in result.Storms.Where(s => s.Topology == topology))
        {
            Console.WriteLine($"  start storm on {topology}, {storm.How}: {storm.Loaded:N0} of {storm.Instances:N0} loaded, the last after {Stats.Ms(storm.AllLoadedMs)}, client CPU {storm.ClientCpuSeconds:0.0} s, server CPU {storm.ServerCpuSeconds:0.0} s, failed watches {storm.WatchFailures} ({storm.FailureCauses})");
        }
    }

    /// <summary>What limits the fleet, in words from this run's numbers.</summary>
    public static string Limits(Result result)
    {
        var text = new StringBuilder("**What limits the fleet.** ");
        foreach (var topology in result.Storms.Select(s => s.Topology).Distinct())
        {
            var storms = result.Storms.Where(s => s.Topology == topology).ToList();
            var cold = storms.Single(s => s.How == "own connections, cold");
            var entries = Stats.Number((double)cold.Instances * (cold.Keys + BenchData.SectionKeys));
            var busy = 100 * (cold.ClientCpuSeconds + cold.ServerCpuSeconds) / (Environment.ProcessorCount * cold.AllLoadedMs / 1000);
            text.Append(CultureInfo.InvariantCulture, $"On {topology}, ");
            text.Append(cold.Loaded == cold.Instances
                ? $"all {Stats.Number(cold.Instances)} instances starting at once loaded {entries} entries in {Stats.Ms(cold.AllLoadedMs)}, the {Environment.ProcessorCount} cores {busy:0}% busy: "
                : $"only {Stats.Number(cold.Loaded)} of {Stats.Number(cold.Instances)} instances starting at once loaded within their minute, the {Environment.ProcessorCount} cores {busy:0}% busy: ");
            text.Append(CultureInfo.InvariantCulture, $"{cold.ClientCpuSeconds:0.0} s of CPU in the instances and {cold.ServerCpuSeconds:0.0} s in nats-server, ");
            text.Append(cold.ClientCpuSeconds >= cold.ServerCpuSeconds
                ? "so the instances' own CPU (every instance in this one process) is the larger part of the limit. "
                : "so the server is the limit: each instance's full read is a consumer that delivers the last entry of every key, and the server serves them all at once. ");
            foreach (var other in storms.Where(s => s != cold))
            {
                text.Append(other.Loaded == other.Instances
                    ? $"{char.ToUpperInvariant(other.How[0])}{other.How[1..]}: all loaded, the last after {Stats.Ms(other.AllLoadedMs)}. "
                    : $"{char.ToUpperInvariant(other.How[0])}{other.How[1..]}: {Stats.Number(other.Loaded)} of {Stats.Number(other.Instances)} loaded. ");
            }
        }

        foreach (var propagation in result.Propagations)
        {
            text.Append(CultureInfo.InvariantCulture, $"A put reaching {Stats.Number(propagation.Instances)} instances on {propagation.Topology} cost the servers {Stats.Ms(propagation.ProviderServerCpuPerPut * 1000)} of CPU with providers and {Stats.Ms(propagation.RawServerCpuPerPut * 1000)} with raw watchers (one message to each instance's consumer), so the time to the last instance grows with the fleet whatever the client. ");
        }

        text.Append("So: a fleet's live changes scale with the server's fan-out, and its starts with how many full reads the server serves at once. Start large fleets a few at a time (as rolling deployments do), give instances a `SnapshotPath` so that they start from the file whatever the server's load, and a `StartupTimeout` that covers a start under load.");
        return text.ToString();
    }

    /// <summary>
    /// Closes a connection a fleet used. NATS.Net unsubscribes what is left first and can time out doing so right after a
    /// storm; the measurement is over by then, and the server drops what the closed connection had.
    /// </summary>
    private static async Task DisposeQuietlyAsync(NatsConnection connection)
    {
        try
        {
            await connection.DisposeAsync();
        }
        catch (NatsTimeoutException)
        {
        }
    }

    private static string SnapshotOf(string directory, int instance) =>
        Path.Combine(directory, instance.ToString(CultureInfo.InvariantCulture) + ".snapshot");

    private static Task<INatsKVStore> CreateAsync(INatsKVContext kv, string prefix, int replicas) =>
        TransientStoreFailure.RetryAsync(token => kv.CreateStoreAsync(new NatsKVConfig(BucketNames.Unique(prefix)) { History = 1, NumberOfReplicas = replicas }, token), retrying: null, CancellationToken.None);

    private static ConfigurationRoot Build(string bucket, Action<NatsKvConfigurationSource> configure) =>
        (ConfigurationRoot)new ConfigurationBuilder()
            .AddNatsKv(bucket, source =>
            {
                source.StartupTimeout = StormStartupTimeout;
                configure(source);
            })
            .Build();

    /// <summary>
    /// Waits (a minute at most) until the server has dropped the consumers of a fleet that closed its connections, so
    /// that the next measure starts on a quiet server; a cluster removes thousands of them slowly, and then the next
    /// measure starts anyway (it is said on the console).
    /// </summary>
    private static async Task NoConsumersAsync(INatsJSContext js, string bucket)
    {
        var deadline = Stopwatch.StartNew();
        long left;
        while ((left = await ConsumersAsync(js, bucket)) > 0)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(1))
            {
                Console.WriteLine($"  ({left:N0} consumers of {bucket} were still there a minute after their connections closed; going on)");
                return;
            }

            await Task.Delay(100);
        }
    }

    private static async Task<long> ConsumersAsync(INatsJSContext js, string bucket) =>
        (await js.GetStreamAsync("KV_" + bucket)).Info.State.ConsumerCount;

    /// <summary>Puts a numbered value and waits until every instance saw it; returns the times and the server's CPU per put.</summary>
    private static async Task<(double[] Ms, double ServerCpuPerPut)> PutsAsync(INatsKVStore store, FleetProbe probe, int[] serverPids, int samples)
    {
        const int WarmUps = 3;
        var times = new List<double>(samples);
        var before = ServerUsage.Of(serverPids);
        for (var sample = -WarmUps; sample < samples; sample++)
        {
            var value = sample + WarmUps;
            probe.Expect(value);
            var start = Stopwatch.GetTimestamp();
            await store.PutAsync(ProbeKey, Encoding.UTF8.GetBytes(value.ToString(CultureInfo.InvariantCulture)));
            var ms = await probe.ElapsedSinceAsync(start);
            if (sample >= 0)
            {
                times.Add(ms);
            }
        }

        var cpu = ServerUsage.Of(serverPids).CpuSeconds - before.CpuSeconds;
        return ([.. times], cpu / (samples + WarmUps));
    }

    /// <summary>
    /// All instances start at once (each on a thread of its own, as each process has its own main thread, released
    /// together), or <paramref name="atATime"/> at a time (as a rolling deployment does), and the clock stops when the
    /// last <c>Build()</c> returned. An instance not loaded within its start-up timeout (a minute) is counted, not
    /// fatal: how many loaded is part of the result.
    /// </summary>
    private static Storm StormOf(string topology, string how, string url, string bucket, int instances, int keys, int[] serverPids, Func<int, Action<NatsKvConfigurationSource>> configure, int? atATime = null)
    {
        using var turns = new SemaphoreSlim(atATime ?? instances);
        using var failuresSeen = new WatchFailureCounter();
        var roots = new ConfigurationRoot?[instances];
        var elapsed = new double[instances];
        var failures = new Exception?[instances];
        using var gate = new ManualResetEventSlim();
        using var waiting = new CountdownEvent(instances);
        var threads = Enumerable.Range(0, instances).Select(i => new Thread(
            () =>
            {
                waiting.Signal();
                gate.Wait();
                turns.Wait();
                var start = Stopwatch.GetTimestamp();
                try
                {
                    roots[i] = Build(bucket, source =>
                    {
                        source.Url = url;
                        source.LoggerFactory = failuresSeen;
                        configure(i)(source);
                    });
                }
                catch (Exception exception)
                {
                    failures[i] = exception;
                }
                finally
                {
                    turns.Release();
                }

                elapsed[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            },
            maxStackSize: 256 * 1024) { IsBackground = true }).ToList();
        threads.ForEach(thread => thread.Start());
        waiting.Wait();
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var server = ServerUsage.Of(serverPids);
        var client = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        gate.Set();
        threads.ForEach(thread => thread.Join());
        var allLoaded = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var clientCpu = (Process.GetCurrentProcess().TotalProcessorTime - client).TotalSeconds;
        var serverCpu = ServerUsage.Of(serverPids).CpuSeconds - server.CpuSeconds;
        var failedWatches = failuresSeen.Total; // counted until the clock stopped, not while the fleet is disposed
        var causes = string.Join(", ", failuresSeen.ByCause.OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value}"));

        try
        {
            // A load that ran out of time is the measure; anything else is a broken run.
            if (failures.FirstOrDefault(f => f is not null and not NatsKvConfigurationException) is { } failure)
            {
                throw new InvalidOperationException($"{failures.Count(f => f is not null)} of {instances} instances failed to start ({how}); failed watches: {string.Join(", ", failuresSeen.ByCause.Select(c => $"{c.Key} {c.Value}"))}.", failure);
            }

            // Checked after the clock stopped: an instance that returned without the bucket's last keys measured nothing.
            var lastPath = BenchData.Path(keys - 1);
            var missing = roots.Count(root => root is not null && (root[lastPath] is null || root[BenchData.SectionPath(BenchData.SectionKeys - 1)] is null));
            if (missing > 0)
            {
                throw new InvalidOperationException($"{missing} of {instances} instances returned from Build() without the bucket's last keys ({how}).");
            }
        }
        finally
        {
            Parallel.ForEach(roots, root => root?.Dispose());
        }

        return new Storm(topology, how, instances, keys, roots.Count(root => root is not null), allLoaded, Stats.Median(elapsed), clientCpu, serverCpu, failedWatches, causes);
    }

    /// <summary>Instances, each a raw NATS.Net watch of the whole bucket (updates only) on a connection of its own.</summary>
    private sealed class RawFleet : IAsyncDisposable
    {
        private readonly List<NatsConnection> _connections = [];
        private readonly List<Task> _watches = [];
        private readonly CancellationTokenSource _stop = new();

        private RawFleet(int instances)
        {
            Probe = new FleetProbe(instances);
        }

        public FleetProbe Probe { get; }

        public static async Task<RawFleet> StartAsync(string url, string bucket, int instances)
        {
            var fleet = new RawFleet(instances);
            var slots = new (NatsConnection Connection, Task Watch)[instances];
            await Parallel.ForEachAsync(Enumerable.Range(0, instances), new ParallelOptions { MaxDegreeOfParallelism = StartParallelism }, async (i, token) =>
            {
                var connection = new NatsConnection(NatsOpts.Default with { Url = url, Name = $"raw-{i}" });
                var store = await new NatsKVContext(new NatsJSContext(connection)).GetStoreAsync(bucket, token);
                var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var opts = new NatsKVWatchOpts { UpdatesOnly = true, OnNoData = _ => { ready.TrySetResult(); return new ValueTask<bool>(false); } };
                var watch = Task.Run(async () =>
                {
                    try
                    {
                        await foreach (var entry in store.WatchAsync<string>(">", opts: opts, cancellationToken: fleet._stop.Token))
                        {
                            if (entry.Key == ProbeKey)
                            {
                                fleet.Probe.Saw(i, entry.Value);
                            }
                        }
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }, CancellationToken.None);
                await ready.Task.WaitAsync(TimeSpan.FromSeconds(60), token);
                slots[i] = (connection, watch);
            });

            fleet._connections.AddRange(slots.Select(s => s.Connection));
            fleet._watches.AddRange(slots.Select(s => s.Watch));
            return fleet;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_watches);
            await Parallel.ForEachAsync(_connections, async (connection, _) => await DisposeQuietlyAsync(connection));
            _stop.Dispose();
        }
    }

    /// <summary>Instances, each a provider with a connection of its own, reporting each reload's value of the probe.</summary>
    private sealed class ProviderFleet : IDisposable
    {
        private readonly ConfigurationRoot[] _roots;
        private readonly IDisposable[] _subscriptions;

        private ProviderFleet(int instances)
        {
            Probe = new FleetProbe(instances);
            _roots = new ConfigurationRoot[instances];
            _subscriptions = new IDisposable[instances];
        }

        public FleetProbe Probe { get; }

        public static async Task<ProviderFleet> StartAsync(string url, string bucket, int instances)
        {
            var fleet = new ProviderFleet(instances);
            await Parallel.ForEachAsync(Enumerable.Range(0, instances), new ParallelOptions { MaxDegreeOfParallelism = StartParallelism }, (i, _) =>
            {
                var root = Build(bucket, s => s.Url = url);
                fleet._roots[i] = root;
                fleet._subscriptions[i] = ChangeToken.OnChange(root.GetReloadToken, () => fleet.Probe.Saw(i, root[ProbePath]));
                return ValueTask.CompletedTask;
            });

            return fleet;
        }

        public void Dispose()
        {
            Parallel.For(0, _roots.Length, i =>
            {
                _subscriptions[i].Dispose();
                _roots[i].Dispose();
            });
        }
    }
}
