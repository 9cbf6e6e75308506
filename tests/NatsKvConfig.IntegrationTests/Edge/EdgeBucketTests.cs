using System.Text.Json;
using NatsKvConfig.Cli;
using NatsKvConfig.IntegrationTests.Cli;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Edge;

/// <summary>Edge buckets made by the library and the tool: a mirror of the hub's bucket on a leaf node, and what <c>bucket info</c> says of it.</summary>
public class EdgeBucketTests
{
    [Fact]
    public async Task EnsureBucketAsync_with_mirror_settings_makes_an_edge_bucket_that_reads_the_hub_and_writes_through_to_it()
    {
        await using var sites = await EdgeSites.StartAsync(leaves: 1, mirrors: false);
        var hub = sites.Client(sites.Hub);
        await hub.PutAsync(NatsKvConfigKey.Parse("Greeting"), "hello");
        var edge = sites.Client(sites.Edges[0]);

        var info = await edge.EnsureBucketAsync(new NatsKvBucketSettings { MirrorOf = sites.Bucket, MirrorDomain = "hub", History = 5 });
        var app = sites.App(0);
        await edge.PutAsync(NatsKvConfigKey.Parse("Greeting"), "hello from the edge");

        Assert.Equal(sites.Bucket, info.MirrorOf);
        Assert.Equal("hub", info.MirrorDomain);
        Assert.Equal(5, info.History);
        Assert.Null((await hub.GetBucketInfoAsync()).MirrorOf);
        Assert.Equal("hello from the edge", (await hub.GetAsync(NatsKvConfigKey.Parse("Greeting")))!.Value);
        await Eventually.TrueAsync(() => app["Greeting"] == "hello from the edge", () => $"the app at the edge reads the write that went through the hub (it reads '{app["Greeting"]}')");
        var again = await sites.Client(sites.Edges[0]).EnsureBucketAsync(new NatsKvBucketSettings { MirrorOf = sites.Bucket, MirrorDomain = "hub", History = 5 });
        Assert.Equal(sites.Bucket, again.MirrorOf); // idempotent
        Assert.Empty(again.Differences); // the mirror's origin and domain read back as asked
        var notMirror = await edge.EnsureBucketAsync(new NatsKvBucketSettings { History = 5 });
        Assert.Equal(
            [("MirrorOf", "none", sites.Bucket), ("MirrorDomain", "none", "hub")],
            notMirror.Differences.Select(d => (d.Setting, d.Requested, d.Actual)));
        Assert.Equal(sites.Bucket, (await edge.GetBucketInfoAsync()).MirrorOf); // still a mirror
    }

    [Fact]
    public async Task Mirror_settings_that_cannot_work_are_refused_before_anything_is_created()
    {
        await using var sites = await EdgeSites.StartAsync(leaves: 1, mirrors: false);
        var edge = sites.Client(sites.Edges[0]);

        var otherName = await Assert.ThrowsAsync<ArgumentException>(() => edge.EnsureBucketAsync(new NatsKvBucketSettings { MirrorOf = "somewhere_else", MirrorDomain = "hub" }));
        var noDomain = await Assert.ThrowsAsync<ArgumentException>(() => edge.EnsureBucketAsync(new NatsKvBucketSettings { MirrorOf = sites.Bucket }));
        var badDomain = await Assert.ThrowsAsync<ArgumentException>(() => edge.EnsureBucketAsync(new NatsKvBucketSettings { MirrorOf = sites.Bucket, MirrorDomain = "hub.api" }));

        Assert.Contains("origin's name", otherName.Message, StringComparison.Ordinal);
        Assert.Contains("MirrorDomain", noDomain.Message, StringComparison.Ordinal);
        Assert.Contains("MirrorDomain", badDomain.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NatsKvConfigNotFoundException>(() => edge.GetBucketInfoAsync());
    }

    [Fact]
    public async Task The_tool_adds_an_edge_bucket_shows_it_as_a_mirror_and_reads_it_while_the_hub_is_down()
    {
        await using var sites = await EdgeSites.StartAsync(leaves: 1, mirrors: false);
        var edgeUrl = sites.Topology.Leaves[0].Url;
        await sites.Client(sites.Hub).PutAsync(NatsKvConfigKey.Parse("Database:Host"), "db1");

        (await CliRun.Async(edgeUrl, "bucket", "add", sites.Bucket, "--mirror-of", sites.Bucket, "--mirror-domain", "hub")).Ok();
        using var info = JsonDocument.Parse((await CliRun.Async(edgeUrl, "--json", "bucket", "info", sites.Bucket)).Ok());
        var table = (await CliRun.Async(edgeUrl, "bucket", "info", sites.Bucket)).Ok();
        (await CliRun.Async(edgeUrl, "put", sites.Bucket, "Database:Port", "5432")).Ok();
        using var hubInfo = JsonDocument.Parse((await CliRun.Async(sites.Topology.Hub.Url, "--json", "bucket", "info", sites.Bucket)).Ok());

        var mirror = info.RootElement.GetProperty("mirror");
        Assert.Equal(sites.Bucket, mirror.GetProperty("of").GetString());
        Assert.Equal("hub", mirror.GetProperty("domain").GetString());
        Assert.Contains($"{sites.Bucket} in domain hub", table, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, hubInfo.RootElement.GetProperty("mirror").ValueKind);
        Assert.Equal("5432", (await sites.Client(sites.Hub).GetAsync(NatsKvConfigKey.Parse("Database:Port")))!.Value);
        await Eventually.TrueAsync(
            async () => (await CliRun.Async(edgeUrl, "get", sites.Bucket, "Database:Port")).Out.Contains("5432", StringComparison.Ordinal),
            "the edge's mirror has the write that went through the hub");

        await sites.Topology.KillHubAsync();

        Assert.Contains("db1", (await CliRun.Async(edgeUrl, "get", sites.Bucket, "Database:Host")).Ok(), StringComparison.Ordinal);
        Assert.Contains("Database", (await CliRun.Async(edgeUrl, "ls", sites.Bucket)).Ok(), StringComparison.Ordinal);
        Assert.Contains("5432", (await CliRun.Async(edgeUrl, "export", sites.Bucket)).Ok(), StringComparison.Ordinal);
        var refused = (await CliRun.Async(edgeUrl, "put", sites.Bucket, "Database:Host", "db2")).Fails(ExitCodes.Error);
        Assert.Contains("JetStream domain 'hub'", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("db2", refused, StringComparison.Ordinal);
    }
}
