using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace NatsKvConfig.Benchmarks;

/// <summary>
/// Scenario 4: a burst of puts as fast as NATS takes them; the time from the first put until the provider has
/// applied the last one, against a raw watch receiving all of them (both watch the same burst), and the
/// number of reloads the provider raised.
/// </summary>
internal static class BurstBenchmark
{
    internal sealed record Result(int Puts, double FloorMs, double ProviderMs, double Reloads);

    public static async Task<Result> RunAsync(BenchEnvironment env, BenchSettings settings)
    {
        var floor = new List<double>();
        var provider = new List<double>();
        var reloads = new List<double>();
        for (var round = 0; round < settings.Rounds; round++)
        {
            var (f, p, r) = await OneBurstAsync(env, settings.BurstPuts);
            floor.Add(f);
            provider.Add(p);
            reloads.Add(r);
        }

        var result = new Result(settings.BurstPuts, Stats.Median(floor), Stats.Median(provider), Stats.Median(reloads));
        Console.WriteLine($"  burst of {result.Puts:N0}: floor {Stats.Ms(result.FloorMs)}, provider {Stats.Ms(result.ProviderMs)}, {result.Reloads} reloads");
        return result;
    }

    private static async Task<(double Floor, double Provider, int Reloads)> OneBurstAsync(BenchEnvironment env, int puts)
    {
        var store = await env.NewBucketAsync("burst");
        await using var watchConnection = new NatsConnection(NatsOpts.Default with { Url = env.Server.Url, Name = "bench-floor" });
        var watchStore = await new NatsKVContext(new NatsJSContext(watchConnection)).GetStoreAsync(store.Bucket);

        // The newest revision each side has seen, and when it saw it.
        long floorRevision = 0, floorAt = 0, providerRevision = 0, providerAt = 0;
        using var stopWatch = new CancellationTokenSource();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watcher = Task.Run(async () =>
        {
            var opts = new NatsKVWatchOpts { OnNoData = _ => { ready.TrySetResult(); return new ValueTask<bool>(false); } };
            try
            {
                await foreach (var entry in watchStore.WatchAsync<byte[]>(">", opts: opts, cancellationToken: stopWatch.Token))
                {
                    Volatile.Write(ref floorAt, Stopwatch.GetTimestamp());
                    Volatile.Write(ref floorRevision, (long)entry.Revision);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));

        using var root = (ConfigurationRoot)new ConfigurationBuilder()
            .AddNatsKv(store.Bucket, s => s.Url = env.Server.Url)
            .Build();
        var nats = root.Providers.OfType<NatsKvConfigurationProvider>().Single();
        var reloads = 0;
        using var registration = ChangeToken.OnChange(root.GetReloadToken, () =>
        {
            Interlocked.Increment(ref reloads);
            Volatile.Write(ref providerAt, Stopwatch.GetTimestamp());
            Volatile.Write(ref providerRevision, (long)nats.AppliedRevision);
        });

        var start = Stopwatch.GetTimestamp();
        var writes = new List<Task<ulong>>(puts);
        using var inFlight = new SemaphoreSlim(1_000);
        for (var i = 0; i < puts; i++)
        {
            await inFlight.WaitAsync();
            writes.Add(PutAsync(store, i, inFlight));
        }

        var last = (long)(await Task.WhenAll(writes)).Max();
        var deadline = Stopwatch.StartNew();
        while ((Volatile.Read(ref floorRevision) < last || Volatile.Read(ref providerRevision) < last) && deadline.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(1);
        }

        await stopWatch.CancelAsync();
        await watcher;
        await env.Kv.DeleteStoreAsync(store.Bucket);
        return (
            Stopwatch.GetElapsedTime(start, Volatile.Read(ref floorAt)).TotalMilliseconds,
            Stopwatch.GetElapsedTime(start, Volatile.Read(ref providerAt)).TotalMilliseconds,
            Volatile.Read(ref reloads));
    }

    private static async Task<ulong> PutAsync(INatsKVStore store, int i, SemaphoreSlim inFlight)
    {
        try
        {
            return await store.PutAsync($"burst.{i % 100}", Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)));
        }
        finally
        {
            inFlight.Release();
        }
    }
}
