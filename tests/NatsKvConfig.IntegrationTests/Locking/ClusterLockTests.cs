using NATS.Client.Core;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Locking;

/// <summary>A lock in an R3 bucket of a 3-node loopback cluster, through the crash of its stream's leader.</summary>
public sealed class ClusterLockTests
{
    private const string Job = "jobs.replicated";

    [Fact]
    public async Task A_holder_keeps_its_lock_through_the_stream_leader_s_crash_and_nobody_else_acquires_it_meanwhile()
    {
        await using var cluster = await NatsCluster.StartAsync();
        // Long enough that the renewals retried across a leader election (a few seconds here) stay inside the lease.
        var lease = TimeSpan.FromSeconds(15);
        await using var bucket = await LockBucket.CreateAsync(cluster.Url, lease, replicas: 3);
        await using var holder = await (await bucket.NewLockAsync("holder")).TryAcquireAsync(Job);
        Assert.NotNull(holder);
        var contender = await bucket.NewLockAsync("contender");

        var leader = -1;
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    var stream = await bucket.Store.JetStreamContext.GetStreamAsync($"KV_{bucket.Name}");
                    leader = stream.Info.Cluster?.Leader is { } name ? cluster.IndexOfNode(name) : -1;
                }
                catch (NatsException)
                {
                    leader = -1;
                }

                return leader >= 0;
            },
            "the lock bucket's stream has a leader",
            TimeSpan.FromSeconds(30));
        var beforeCrash = holder.Revision;
        await cluster.KillNodeAsync(leader);

        // Two renewals on the new leader; meanwhile every attempt of another owner finds the lock held (or fails).
        var contenderGotIt = false;
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    await using var stolen = await contender.TryAcquireAsync(Job);
                    contenderGotIt |= stolen is not null;
                }
                catch (Exception e) when (e is NatsException or TimeoutException)
                {
                    // The election is not over: a failure, never a second holder.
                }

                return holder.Revision >= beforeCrash + 2 || holder.LockLost.IsCancellationRequested || contenderGotIt;
            },
            () => $"the holder renews twice after the crash (revision {holder.Revision}, before the crash {beforeCrash})",
            lease * 2);

        Assert.False(contenderGotIt, "another owner acquired the lock while it was held");
        Assert.False(holder.LockLost.IsCancellationRequested);
        Assert.Equal(holder.Revision, (await bucket.Store.GetEntryAsync<byte[]>(Job)).Revision);
    }
}
