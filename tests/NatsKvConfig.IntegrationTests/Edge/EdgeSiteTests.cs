using System.Diagnostics;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Edge;

/// <summary>
/// Apps at edge sites read the hub's bucket through a mirror on their leaf node, and write through to the hub:
/// a hub and leaf nodes on loopback, each with its own JetStream domain. The mirrors are made with NATS.Net alone
/// and the clients are given only the connection and the bucket's name: the client finds the mirror by itself.
/// </summary>
public class EdgeSiteTests
{
    private static readonly NatsKvConfigKey Key = NatsKvConfigKey.Parse("Feature:Enabled");

    [Fact]
    public async Task A_write_at_the_hub_reaches_the_apps_at_every_edge()
    {
        await using var sites = await EdgeSites.StartAsync(leaves: 2);
        var first = sites.App(0);
        var second = sites.App(1);

        await sites.Client(sites.Hub).PutAsync(Key, "true");

        await Eventually.TrueAsync(() => first["Feature:Enabled"] == "true", "the app at edge1 sees the hub's write");
        await Eventually.TrueAsync(() => second["Feature:Enabled"] == "true", "the app at edge2 sees the hub's write");
    }

    [Fact]
    public async Task A_write_at_one_edge_goes_through_the_hub_to_the_other_edge()
    {
        await using var sites = await EdgeSites.StartAsync(leaves: 2);
        var writer = sites.App(0);
        var reader = sites.App(1);

        var revision = await sites.Client(sites.Edges[0]).PutAsync(Key, "from-edge1");

        var atHub = await sites.Client(sites.Hub).GetAsync(Key);
        Assert.NotNull(atHub);
        Assert.Equal("from-edge1", atHub.Value);
        Assert.Equal(revision, atHub.Revision); // the revision returned is the origin's
        await Eventually.TrueAsync(() => reader["Feature:Enabled"] == "from-edge1", "the app at edge2 sees edge1's write");
        await Eventually.TrueAsync(() => writer["Feature:Enabled"] == "from-edge1", "the app at edge1 sees its own write come back through its mirror");
    }

    [Fact]
    public async Task Compare_and_swap_and_delete_at_an_edge_use_the_origins_revisions()
    {
        await using var sites = await EdgeSites.StartAsync();
        var hub = sites.Client(sites.Hub);
        var edge = sites.Client(sites.Edges[0]);
        await hub.PutAsync(Key, "one");
        var second = await hub.PutAsync(Key, "two");

        var third = await edge.UpdateAsync(Key, "three", second);
        var conflict = await Assert.ThrowsAsync<NatsKvRevisionConflictException>(() => edge.UpdateAsync(Key, "stale", second));
        var exists = await Assert.ThrowsAsync<NatsKvRevisionConflictException>(() => edge.CreateAsync(Key, "again"));
        var deleted = await edge.DeleteAsync(Key);

        Assert.Equal(second + 1, third);
        Assert.Equal(third, conflict.ActualRevision);
        Assert.Equal(third, exists.ActualRevision);
        Assert.Equal(third + 1, deleted);
        Assert.Null(await hub.GetAsync(Key));
    }

    [Fact]
    public async Task Import_history_and_rollback_at_an_edge_act_on_the_hub()
    {
        await using var sites = await EdgeSites.StartAsync();
        var hub = sites.Client(sites.Hub);
        var edge = sites.Client(sites.Edges[0]);
        var app = sites.App(0);

        var imported = await edge.ImportAsync("""{ "Database": { "Host": "db1", "Port": "5432" } }""");
        var first = (await hub.GetAsync(NatsKvConfigKey.Parse("Database:Host")))!.Revision;
        await hub.PutAsync(NatsKvConfigKey.Parse("Database:Host"), "db2");
        var history = await edge.GetHistoryAsync(NatsKvConfigKey.Parse("Database:Host"));
        await edge.RollbackAsync(NatsKvConfigKey.Parse("Database:Host"), first);

        Assert.Equal(2, imported.Plan.Added.Count);
        Assert.Equal(["db1", "db2"], history.Select(entry => entry.Value));
        Assert.Equal("db1", (await hub.GetAsync(NatsKvConfigKey.Parse("Database:Host")))!.Value);
        await Eventually.TrueAsync(
            () => app["Database:Host"] == "db1" && app["Database:Port"] == "5432",
            () => $"the app at the edge reads the rolled-back value (it reads '{app["Database:Host"]}')");
    }

    [Fact]
    public async Task With_the_hub_down_the_edge_reads_and_starts_from_its_mirror_and_writes_fail_promptly_naming_the_origin()
    {
        await using var sites = await EdgeSites.StartAsync();
        var hub = sites.Client(sites.Hub);
        var edge = sites.Client(sites.Edges[0]);
        var app = sites.App(0);
        await hub.PutAsync(Key, "before");
        await Eventually.TrueAsync(() => app["Feature:Enabled"] == "before", "the app at the edge has the hub's value");
        Assert.Single(await edge.GetHistoryAsync(Key)); // read from the hub, which the client now knows

        await sites.Topology.KillHubAsync();

        var newApp = sites.App(0);
        Assert.Equal("before", newApp["Feature:Enabled"]); // a new instance starts from the local mirror
        Assert.Equal("before", app["Feature:Enabled"]);
        Assert.Equal("before", (await edge.GetAsync(Key))!.Value);
        Assert.Single(await edge.ListAsync());
        Assert.Contains("before", (await edge.ExportAsync()).Json, StringComparison.Ordinal);
        using (var historyDeadline = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            var history = await edge.GetHistoryAsync(Key, historyDeadline.Token); // the hub does not answer: the mirror's
            Assert.Equal("before", Assert.Single(history).Value);
        }

        var elapsed = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAsync<NatsKvOriginUnavailableException>(() => edge.PutAsync(Key, "during"));
        elapsed.Stop();
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(10), $"the write failed after {elapsed.Elapsed.TotalSeconds:0.#} s, not promptly");
        Assert.Equal("hub", failure.OriginDomain);
        Assert.Equal(sites.Bucket, failure.OriginBucket);
        Assert.Contains("JetStream domain 'hub'", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("during", failure.Message, StringComparison.Ordinal); // never the value

        await sites.Topology.RestartHubAsync();
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    await edge.PutAsync(Key, "after");
                    return true;
                }
                catch (NatsKvOriginUnavailableException)
                {
                    return false; // the hub's interest has not reached the leaf node yet
                }
            },
            "a write at the edge works again once the hub is back");
        Assert.Equal("after", (await hub.GetAsync(Key))!.Value);
        await Eventually.TrueAsync(() => app["Feature:Enabled"] == "after", "the app at the edge sees the write made after the hub came back");
        await Eventually.TrueAsync(() => newApp["Feature:Enabled"] == "after", "the app started while the hub was down follows the hub too");
    }

    [Fact]
    public async Task An_app_at_an_edge_recovers_when_its_leaf_node_is_killed_and_restarted()
    {
        await using var sites = await EdgeSites.StartAsync();
        var hub = sites.Client(sites.Hub);
        var app = sites.App(0);
        await hub.PutAsync(Key, "before");
        await Eventually.TrueAsync(() => app["Feature:Enabled"] == "before", "the app at the edge has the hub's value");

        await sites.Topology.KillLeafAsync(0);
        await hub.PutAsync(Key, "while-the-edge-was-down");
        Assert.Equal("before", app["Feature:Enabled"]); // it keeps serving what it had
        await sites.Topology.RestartLeafAsync(0);

        await Eventually.TrueAsync(
            () => app["Feature:Enabled"] == "while-the-edge-was-down",
            () => $"the app catches up once its leaf node is back (it reads '{app["Feature:Enabled"]}')",
            TimeSpan.FromSeconds(30));
        await hub.PutAsync(Key, "after");
        await Eventually.TrueAsync(() => app["Feature:Enabled"] == "after", "the app follows the hub again");
    }
}
