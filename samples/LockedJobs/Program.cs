// A lock-protected job runner: workers compete for one NatsKvLock per job, and only the holder runs it.
//
//   dotnet run --project samples/LockedJobs             run a worker until Ctrl+C; start more (with NATS_URL set
//                                                       to one server) and they take turns
//   dotnet run --project samples/LockedJobs -- --demo   a worker crashes holding the lock, three more take turns, exit
//
// With NATS_URL set it uses that server; otherwise it starts a throwaway local nats-server. A worker takes
// --bucket NAME (default job_locks) and --lease SECONDS (default 15), the bucket's max age.
using System.Diagnostics;
using LockedJobs;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using NatsKvConfig;
using NatsKvConfig.Testing;

const string Job = "jobs.nightly-report";
var demo = args.Contains("--demo");
await using var localServer = Environment.GetEnvironmentVariable("NATS_URL") is { Length: > 0 }
    ? null
    : await NatsServer.StartAsync(new NatsServerOptions { ServerName = "locked-jobs", ForceLocalProcess = true });
var url = localServer?.Url ?? Environment.GetEnvironmentVariable("NATS_URL")!;
Output.Line(localServer is null ? $"Using NATS at {url}" : $"Started a local nats-server at {url}");

// The bucket's max age is the lease: a lock whose holder dies is free again at most this long after its last renewal.
var lease = demo ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(double.Parse(Option("--lease") ?? "15", System.Globalization.CultureInfo.InvariantCulture));
var bucket = demo ? "job_locks_demo" : Option("--bucket") ?? "job_locks";
await using (var admin = new NatsConnection(NatsOpts.Default with { Url = url, Name = "locked-jobs-admin" }))
{
    // Created when missing; an existing bucket keeps its settings (its max age is the lease its holders use).
    var info = await new NatsKvConfigClient(admin, new NatsKvConfigClientOptions { Bucket = bucket })
        .EnsureBucketAsync(new NatsKvBucketSettings { MaxAge = lease, History = 1 });
    foreach (var difference in info.Differences)
    {
        Output.Line($"Bucket '{bucket}' exists and is left as it is: {difference}.");
    }
}

var ledger = new FencedLedger();
var connections = new List<NatsConnection>();

// Each worker gets its own connection, as separate processes would.
async Task<(NatsKvLock Locks, NatsConnection Connection)> ConnectAsync(string worker)
{
    var connection = new NatsConnection(NatsOpts.Default with { Url = url, Name = worker });
    connections.Add(connection);
    var store = await new NatsKVContext(new NatsJSContext(connection)).GetStoreAsync(bucket);
    return (new NatsKvLock(store), connection);
}

try
{
    if (!demo)
    {
        var worker = $"worker-{Environment.ProcessId}";
        var runner = new JobRunner(worker, (await ConnectAsync(worker)).Locks, ledger);
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Output.Line($"{worker}: runs '{Job}' whenever it holds its lock (lease {lease.TotalSeconds} s). Ctrl+C to stop.");
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await runner.RunOnceAsync(Job, Timeout.InfiniteTimeSpan, TimeSpan.FromSeconds(5), stop.Token);
                await Task.Delay(TimeSpan.FromSeconds(1), stop.Token); // give the other workers a turn
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
        }

        return 0;
    }

    Output.Line($"Demo: lease {lease.TotalSeconds} s (the bucket's max age), one job '{Job}'.");

    // 1. A worker takes the lock and crashes: it never renews or releases it.
    var (crasherLocks, crasherConnection) = await ConnectAsync("worker-0");
    var crashed = await crasherLocks.TryAcquireAsync(Job) ?? throw new InvalidOperationException("The lock was taken before the demo started.");
    ledger.TryWrite(crashed.FencingToken, "worker-0 started the job");
    Output.Line($"worker-0: holds '{Job}' with fencing token {crashed.FencingToken}, and crashes");
    await crasherConnection.DisposeAsync(); // its process is gone: nothing renews or releases the lock from now on
    var sinceCrash = Stopwatch.StartNew();

    // 2. Three workers run the job three times each; they wait for the crashed worker's lease, then take turns.
    var takenOverAfter = TimeSpan.Zero;
    var runners = new List<JobRunner>();
    for (var i = 1; i <= 3; i++)
    {
        runners.Add(new JobRunner($"worker-{i}", (await ConnectAsync($"worker-{i}")).Locks, ledger));
    }

    var completed = await Task.WhenAll(runners.Select(runner => Task.Run(async () =>
    {
        var runs = 0;
        for (var run = 0; run < 3; run++)
        {
            void Acquired()
            {
                lock (runners)
                {
                    if (takenOverAfter == TimeSpan.Zero)
                    {
                        takenOverAfter = sinceCrash.Elapsed;
                        Output.Line($"{runner.Worker}: took the lock over {takenOverAfter.TotalSeconds:0.0} s after worker-0 crashed");
                    }
                }
            }

            if (await runner.RunOnceAsync(Job, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(150), CancellationToken.None, Acquired))
            {
                runs++;
            }
        }

        return runs;
    })));

    // 3. The crashed worker "wakes up" (a paused process would) and writes with its old token: refused.
    var staleWriteAccepted = ledger.TryWrite(crashed.FencingToken, "worker-0 finished the job");
    Output.Line($"worker-0: wakes up and writes with its old token {crashed.FencingToken}: {(staleWriteAccepted ? "accepted (wrong!)" : "refused by the ledger")}");

    Console.WriteLine();
    foreach (var line in ledger.Lines)
    {
        Output.Line($"  ledger {line}");
    }

    var ok = completed.Sum() == 9 && ledger.Overlaps == 0 && !staleWriteAccepted
        && takenOverAfter > TimeSpan.Zero && takenOverAfter <= lease + TimeSpan.FromSeconds(1);
    Console.WriteLine(ok
        ? $"Demo finished: 9 runs, never two at once, tokens only went up, and the crashed worker's lock was free {takenOverAfter.TotalSeconds:0.0} s after it died."
        : $"Unexpected: {completed.Sum()} runs of 9, {ledger.Overlaps} overlaps, stale write accepted: {staleWriteAccepted}, takeover after {takenOverAfter.TotalSeconds:0.0} s.");
    return ok ? 0 : 1;
}
finally
{
    foreach (var connection in connections)
    {
        await connection.DisposeAsync();
    }
}

// The value after --name on the command line, if given.
string? Option(string name) => args.SkipWhile(arg => arg != name).Skip(1).FirstOrDefault();
