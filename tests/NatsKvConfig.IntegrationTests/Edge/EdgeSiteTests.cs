using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Edge;

/// <summary>
/// Apps at edge sites read the hub's bucket through a mirror on their leaf node, and write through to the hub:
/// a hub and leaf nodes on loopback, each with its own JetStream domain.
/// </summary>
public class EdgeSiteTests
{
    [Fact]
    public async Task A_write_at_the_hub_reaches_the_apps_at_every_edge()
    {
        await using var sites = await EdgeSites.StartAsync(leaves: 2);
        var first = sites.App(0);
        var second = sites.App(1);

        await sites.Client(sites.Hub).PutAsync(NatsKvConfigKey.Parse("Feature:Enabled"), "true");

        await Eventually.TrueAsync(() => first["Feature:Enabled"] == "true", "the app at edge1 sees the hub's write");
        await Eventually.TrueAsync(() => second["Feature:Enabled"] == "true", "the app at edge2 sees the hub's write");
    }
}
