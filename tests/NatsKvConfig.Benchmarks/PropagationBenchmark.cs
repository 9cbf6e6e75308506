using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace NatsKvConfig.Benchmarks;

/// <summary>
/// Scenario 3: put → <c>IOptionsMonitor&lt;T&gt;.OnChange</c> with the new value, against the floor (put → a raw
/// NATS.Net watch receives it; both observe the same put) and against <c>AddJsonFile(reloadOnChange: true)</c>.
/// </summary>
internal static class PropagationBenchmark
{
    internal sealed record Result(int LoadedKeys, double[] FloorMs, double[] ProviderMs);

    internal sealed class ProbeOptions
    {
        public string Value { get; set; } = "";
    }

    public static async Task<List<Result>> RunAsync(BenchEnvironment env, BenchSettings settings)
    {
        var results = new List<Result>();
        foreach (var loaded in new[] { 10, settings.LargestKeyCount })
        {
            var store = loaded == 10 ? await SmallBucketAsync(env) : await env.SeededAsync(loaded);
            results.Add(await MeasureAsync(env, store, loaded, settings.PropagationSamples));
            var last = results[^1];
            Console.WriteLine($"  propagation with {loaded,7:N0} keys: floor p50 {Stats.Ms(Stats.Median(last.FloorMs))}, provider p50 {Stats.Ms(Stats.Median(last.ProviderMs))} p99 {Stats.Ms(Stats.Percentile(last.ProviderMs, 99))}");
        }

        return results;
    }

    private static async Task<INatsKVStore> SmallBucketAsync(BenchEnvironment env)
    {
        var store = await env.NewBucketAsync("bench10");
        for (var i = 0; i < 10; i++)
        {
            await store.PutAsync(BenchData.Key(i), Encoding.UTF8.GetBytes(BenchData.Value(i)));
        }

        return store;
    }

    private static async Task<Result> MeasureAsync(BenchEnvironment env, INatsKVStore store, int loaded, int samples)
    {
        // The provider and the raw watch each get a connection of their own; the writer uses the shared one.
        await using var watchConnection = new NatsConnection(NatsOpts.Default with { Url = env.Server.Url, Name = "bench-floor" });
        var watchStore = await new NatsKVContext(new NatsJSContext(watchConnection)).GetStoreAsync(store.Bucket);
        var floorProbe = new LatencyProbe();
        using var stopWatch = new CancellationTokenSource();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watcher = Task.Run(async () =>
        {
            var opts = new NatsKVWatchOpts { UpdatesOnly = true, OnNoData = _ => { ready.TrySetResult(); return new ValueTask<bool>(false); } };
            try
            {
                await foreach (var entry in watchStore.WatchAsync<string>("probe.value", opts: opts, cancellationToken: stopWatch.Token))
                {
                    floorProbe.Saw(entry.Value);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));

        using var root = (ConfigurationRoot)new ConfigurationBuilder()
            .AddNatsKv(store.Bucket, s => { s.Url = env.Server.Url; s.StartupTimeout = TimeSpan.FromMinutes(2); })
            .Build();
        await using var services = new ServiceCollection().Configure<ProbeOptions>(root.GetSection("probe")).BuildServiceProvider();
        var monitor = services.GetRequiredService<IOptionsMonitor<ProbeOptions>>();
        var providerProbe = new LatencyProbe();
        using var subscription = monitor.OnChange(o => providerProbe.Saw(o.Value));

        var floor = new List<double>(samples);
        var provider = new List<double>(samples);
        for (var sample = -5; sample < samples; sample++) // five warm-ups
        {
            var value = (sample + 5).ToString(CultureInfo.InvariantCulture);
            floorProbe.Expect(sample + 5);
            providerProbe.Expect(sample + 5);
            var start = Stopwatch.GetTimestamp();
            await store.PutAsync("probe.value", Encoding.UTF8.GetBytes(value));
            var floorMs = await floorProbe.ElapsedSinceAsync(start);
            var providerMs = await providerProbe.ElapsedSinceAsync(start);
            if (sample >= 0)
            {
                floor.Add(floorMs);
                provider.Add(providerMs);
            }
        }

        await stopWatch.CancelAsync();
        await watcher;
        return new Result(loaded, [.. floor], [.. provider]);
    }

    /// <summary>The same measurement for a JSON file with reload on change (its default 250 ms reload delay included).</summary>
    public static async Task<double[]> JsonFileAsync(int samples)
    {
        var directory = Directory.CreateTempSubdirectory("natskvconfig-bench-").FullName;
        try
        {
            var path = Path.Combine(directory, "appsettings.json");
            await File.WriteAllTextAsync(path, """{"probe":{"value":"-1"}}""");
            using var root = (ConfigurationRoot)new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: true).Build();
            await using var services = new ServiceCollection().Configure<ProbeOptions>(root.GetSection("probe")).BuildServiceProvider();
            var monitor = services.GetRequiredService<IOptionsMonitor<ProbeOptions>>();
            var probe = new LatencyProbe();
            using var subscription = monitor.OnChange(o => probe.Saw(o.Value));

            var results = new List<double>(samples);
            for (var sample = 0; sample < samples; sample++)
            {
                probe.Expect(sample);
                var start = Stopwatch.GetTimestamp();
                await File.WriteAllTextAsync(path, "{\"probe\":{\"value\":\"" + sample.ToString(CultureInfo.InvariantCulture) + "\"}}");
                results.Add(await probe.ElapsedSinceAsync(start));
            }

            return [.. results];
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
