using System.Collections.Concurrent;
using System.Diagnostics;
using NATS.Client.KeyValueStore;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Locking;

/// <summary>
/// A lock holder that is a real process, killed with SIGKILL while it holds the lock: no finally block, no
/// release, no connection closed politely. The worker is the LockedJobs sample, as the solution built it.
/// </summary>
public class LockHolderProcessTests
{
    private const string Job = "jobs.nightly-report"; // the job the sample's workers run

    [Fact]
    public async Task A_holder_process_killed_with_sigkill_frees_the_lock_within_the_lease_plus_one_second()
    {
        var server = await SharedNatsServer.GetAsync();
        var lease = TimeSpan.FromSeconds(2);
        await using var bucket = await LockBucket.CreateAsync(server.Url, lease, history: 1); // the sample's settings
        var output = new ConcurrentQueue<string>();
        using var worker = StartWorker(server.Url, bucket.Name, lease, output);
        try
        {
            // The worker holds the lock for 5 s per run: kill it as soon as it says so and its entry is there.
            ulong? heldRevision = null;
            await Eventually.TrueAsync(
                async () => output.Any(line => line.Contains($"holds '{Job}'", StringComparison.Ordinal))
                    && (heldRevision = await TryGetRevisionAsync(bucket.Store)) is not null,
                () => $"the worker holds '{Job}' (it wrote: {string.Join(" | ", output)})",
                TimeSpan.FromSeconds(60));
            worker.Kill(entireProcessTree: true); // SIGKILL
            var killed = Stopwatch.StartNew();
            await worker.WaitForExitAsync();

            var locks = await bucket.NewLockAsync("successor");
            await using var next = await locks.AcquireAsync(Job, TimeSpan.FromSeconds(20));
            var freedAfter = killed.Elapsed;

            Assert.True(freedAfter <= lease + TimeSpan.FromSeconds(1), $"The lock was free again {freedAfter.TotalMilliseconds:0} ms after its holder was killed (lease {lease.TotalMilliseconds} ms).");
            // The holder renews a third of a lease at a time: its lease ran at least two thirds more after the kill.
            Assert.True(freedAfter >= lease * 2 / 3 - TimeSpan.FromMilliseconds(100), $"The lock was taken {freedAfter.TotalMilliseconds:0} ms after its holder was killed, before its lease can have ended.");
            Assert.True(next.FencingToken > heldRevision, $"token {next.FencingToken} after the killed holder's revision {heldRevision}");
        }
        finally
        {
            if (!worker.HasExited)
            {
                worker.Kill(entireProcessTree: true);
            }
        }
    }

    private static Process StartWorker(string url, string bucket, TimeSpan lease, ConcurrentQueue<string> output)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(BuiltPrograms.Find(Path.Combine("samples", "LockedJobs"), "LockedJobs.dll"));
        start.ArgumentList.Add("--bucket");
        start.ArgumentList.Add(bucket);
        start.ArgumentList.Add("--lease");
        start.ArgumentList.Add(lease.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.Environment["NATS_URL"] = url;
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Collect(output, e.Data);
        process.ErrorDataReceived += (_, e) => Collect(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Collect(ConcurrentQueue<string> output, string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }

    private static async Task<ulong?> TryGetRevisionAsync(INatsKVStore store)
    {
        try
        {
            return (await store.GetEntryAsync<byte[]>(Job)).Revision;
        }
        catch (NatsKVKeyNotFoundException)
        {
            return null;
        }
    }
}
