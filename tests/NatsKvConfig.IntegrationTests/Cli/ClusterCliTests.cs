using System.Text.Json;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Cli;

/// <summary>The tool against a 3-node JetStream cluster, as in production.</summary>
public class ClusterCliTests
{
    [Fact]
    public async Task An_R3_bucket_is_created_written_and_read_through_any_node_and_keeps_working_without_one()
    {
        await using var cluster = await NatsCluster.StartAsync(3);
        var bucket = BucketNames.Unique("cli_r3");
        var first = new Dictionary<string, string> { ["NATS_URL"] = cluster.Nodes[0].Url };

        using var info = JsonDocument.Parse((await CliRun.Async(cluster.Url, "--json", "bucket", "add", bucket, "--replicas", "3", "--history", "5")).Ok());
        (await CliRun.Async(first, """{"Database": {"Host": "db1", "Port": 5432}}""", "import", bucket, "-")).Ok();
        await cluster.KillNodeAsync(0);

        // Until the stream and the cluster have leaders again, a request may time out: the operator runs it again.
        (await UntilOkAsync(cluster.Nodes[2].Url, "put", bucket, "Database:Host", "db2")).Ok();
        var value = (await UntilOkAsync(cluster.Nodes[1].Url, "get", bucket, "Database.Host", "--raw")).Ok();
        using var history = JsonDocument.Parse((await UntilOkAsync(cluster.Nodes[1].Url, "--json", "history", bucket, "Database:Host")).Ok());

        Assert.Equal(3, info.RootElement.GetProperty("replicas").GetInt32());
        Assert.Equal("db2", value);
        var values = history.RootElement.EnumerateArray().Select(e => e.GetProperty("value").GetString()).ToArray();
        Assert.Equal("db1", values[0]);
        Assert.Equal("db2", values[^1]);
    }

    private static async Task<CliRun> UntilOkAsync(string url, params string[] args)
    {
        CliRun? run = null;
        await Eventually.TrueAsync(async () => (run = await CliRun.Async(url, args)).ExitCode == 0, $"'{string.Join(' ', args)}' succeeded through a surviving node", TimeSpan.FromSeconds(30));
        return run!;
    }
}
