using System.Diagnostics;
using System.Text.RegularExpressions;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Harness;

/// <summary>
/// The test harness is code that other tests trust, so it gets tests of its own against real nats-server processes.
/// </summary>
public sealed partial class NatsServerHarnessTests
{
    private static readonly TimeSpan EventuallyTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_started_server_stores_and_returns_a_kv_value()
    {
        await using var server = await NatsServer.StartAsync();
        await using var connection = Connect(server.Url);

        var store = await Stores.CreateAsync(new NatsKVContext(new NatsJSContext(connection)), new NatsKVConfig(BucketNames.Unique("harness")));
        await store.PutAsync("greeting", "hello");
        var entry = await store.GetEntryAsync<string>("greeting");

        Assert.Equal("hello", entry.Value);
    }

    [Fact]
    public async Task A_local_server_runs_on_loopback_with_its_own_store_and_reports_its_name_and_version()
    {
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true, ServerName = "harness-identity" });
        await using var connection = Connect(server.Url);
        await connection.ConnectAsync();

        Assert.Equal(NatsServerKind.Process, server.Kind);
        Assert.True(server.CanControlProcess);
        Assert.True(server.IsRunning);
        Assert.NotNull(server.ProcessId);
        Assert.Equal($"nats://127.0.0.1:{server.Port}", server.Url);
        Assert.True(Directory.Exists(server.StoreDirectory));
        Assert.Equal("harness-identity", server.ServerName);
        Assert.Equal("harness-identity", connection.ServerInfo?.Name);
        Assert.Matches(@"^\d+\.\d+\.\d+", server.Version);
    }

    [Fact]
    public async Task Two_servers_started_at_once_get_different_ports_and_stores()
    {
        var starts = new[]
        {
            NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true }),
            NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true }),
        };
        var servers = await Task.WhenAll(starts);
        try
        {
            Assert.NotEqual(servers[0].Port, servers[1].Port);
            Assert.NotEqual(servers[0].StoreDirectory, servers[1].StoreDirectory);
            Assert.NotEqual(servers[0].ServerName, servers[1].ServerName);
        }
        finally
        {
            await Task.WhenAll(servers.Select(server => server.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task A_killed_server_restarted_on_the_same_port_and_store_still_has_the_key()
    {
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true });
        var bucket = BucketNames.Unique("restart");
        await using (var connection = Connect(server.Url))
        {
            var store = await Stores.CreateAsync(new NatsKVContext(new NatsJSContext(connection)), new NatsKVConfig(bucket));
            await store.PutAsync("colour", "green");
        }

        var port = server.Port;
        var storeDirectory = server.StoreDirectory;
        var killedProcessId = server.ProcessId;

        await server.KillAsync();

        Assert.False(server.IsRunning);
        Assert.DoesNotContain(server.RecentOutput, line => line.Contains("Initiating Shutdown", StringComparison.Ordinal));

        await server.RestartAsync();

        Assert.True(server.IsRunning);
        Assert.Equal(port, server.Port);
        Assert.Equal(storeDirectory, server.StoreDirectory);
        Assert.NotEqual(killedProcessId, server.ProcessId);
        await using var reconnected = Connect(server.Url);
        var reopened = await new NatsKVContext(new NatsJSContext(reconnected)).GetStoreAsync(bucket);
        var entry = await reopened.GetEntryAsync<string>("colour");
        Assert.Equal("green", entry.Value);
    }

    [Fact]
    public async Task A_stopped_server_shuts_down_gracefully_and_can_be_restarted()
    {
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true });

        await server.StopAsync();

        Assert.False(server.IsRunning);
        Assert.Contains(server.RecentOutput, line => line.Contains("Server Exiting", StringComparison.Ordinal));
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.WaitUntilReadyAsync());

        await server.RestartAsync();

        Assert.True(server.IsRunning);
        await using var connection = Connect(server.Url);
        var info = await new NatsJSContext(connection).GetAccountInfoAsync();
        Assert.NotNull(info);
    }

    [Fact]
    public async Task Disposing_a_server_ends_its_process_and_deletes_its_temp_store()
    {
        var server = await NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true });
        var processId = server.ProcessId!.Value;
        var storeDirectory = server.StoreDirectory!;

        await server.DisposeAsync();
        await server.DisposeAsync();

        Assert.False(server.IsRunning);
        Assert.False(Directory.Exists(storeDirectory));
        Assert.False(IsAlive(processId));
    }

    [Fact]
    public async Task A_store_directory_given_by_the_test_is_kept_after_disposal()
    {
        var storeDirectory = Directory.CreateTempSubdirectory("harness-kept-").FullName;
        try
        {
            await using (var server = await NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true, StoreDirectory = storeDirectory }))
            {
                Assert.Equal(storeDirectory, server.StoreDirectory);
            }

            Assert.True(Directory.Exists(Path.Combine(storeDirectory, "jetstream")));
        }
        finally
        {
            Directory.Delete(storeDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_server_that_exits_during_start_reports_the_lines_it_wrote()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => NatsServer.StartAsync(
            new NatsServerOptions { ForceLocalProcess = true, ExtraArguments = { "--no-such-flag" } }));

        Assert.Contains("exited", failure.Message, StringComparison.Ordinal);
        Assert.Contains("flag provided but not defined: -no-such-flag", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starting_with_a_missing_server_binary_explains_how_to_install_nats_server()
    {
        var missing = Path.Combine(Path.GetTempPath(), BucketNames.Unique("absent"), "nats-server");

        var failure = await Assert.ThrowsAsync<NatsServerNotFoundException>(() => NatsServer.StartAsync(
            new NatsServerOptions { ForceLocalProcess = true, ServerBinaryPath = missing }));

        Assert.Contains(missing, failure.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get update && apt-get install -y nats-server", failure.Message, StringComparison.Ordinal);
        Assert.Contains("brew install nats-server", failure.Message, StringComparison.Ordinal);
        Assert.Contains("go install github.com/nats-io/nats-server/v2@latest", failure.Message, StringComparison.Ordinal);
        Assert.Contains("NATS_SERVER_BIN", failure.Message, StringComparison.Ordinal);
        Assert.Contains("NATS_URL", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starting_a_cluster_with_a_missing_server_binary_explains_how_to_install_nats_server()
    {
        var missing = Path.Combine(Path.GetTempPath(), BucketNames.Unique("absent"), "nats-server");

        var failure = await Assert.ThrowsAsync<NatsServerNotFoundException>(() => NatsCluster.StartAsync(
            3, new NatsClusterOptions { ServerBinaryPath = missing }));

        Assert.Contains(missing, failure.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get update && apt-get install -y nats-server", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_three_node_cluster_keeps_an_R3_bucket_readable_and_writable_after_its_stream_leader_is_killed()
    {
        await using var cluster = await NatsCluster.StartAsync(3);
        Assert.Equal(["n1", "n2", "n3"], cluster.Nodes.Select(node => node.ServerName));
        Assert.Equal(string.Join(',', cluster.Nodes.Select(node => node.Url)), cluster.Url);

        var bucket = BucketNames.Unique("cluster");
        await using var connection = Connect(cluster.Url);
        var js = new NatsJSContext(connection);
        var store = await Stores.CreateAsync(new NatsKVContext(js), new NatsKVConfig(bucket) { NumberOfReplicas = 3 });
        await store.PutAsync("mode", "before");

        var stream = await js.GetStreamAsync($"KV_{bucket}");
        Assert.Equal(2, stream.Info.Cluster?.Replicas?.Count);
        var leader = cluster.IndexOfNode(stream.Info.Cluster!.Leader!);
        Assert.InRange(leader, 0, 2);

        await cluster.KillNodeAsync(leader);

        Assert.False(cluster.Nodes[leader].IsRunning);
        await cluster.WaitUntilReadyAsync();
        // The two survivors elect a new stream leader; writes succeed once they have.
        await Eventually("a write after the leader was killed", async () =>
        {
            await store.PutAsync("mode", "after");
            return true;
        });
        Assert.Equal("after", (await store.GetEntryAsync<string>("mode")).Value);

        await cluster.RestartNodeAsync(leader);

        Assert.True(cluster.Nodes[leader].IsRunning);
        await using var throughRestarted = Connect(cluster.Nodes[leader].Url);
        var viaRestarted = await new NatsKVContext(new NatsJSContext(throughRestarted)).GetStoreAsync(bucket);
        // The restarted replica catches up from the others; a direct get may be served by it before it has.
        await Eventually("the restarted node serving the latest value", async () =>
            (await viaRestarted.GetEntryAsync<string>("mode")).Value == "after");
    }

    [Fact]
    public async Task A_cluster_node_can_be_found_by_server_name_or_url()
    {
        await using var cluster = await NatsCluster.StartAsync(3);
        await using var connection = Connect(cluster.Nodes[1].Url);
        await connection.ConnectAsync();

        Assert.Equal(1, cluster.IndexOfNode(connection.ServerInfo!.Name));
        Assert.Equal(2, cluster.IndexOfNode(cluster.Nodes[2].Url));
        Assert.Equal(0, cluster.IndexOfNode($"127.0.0.1:{cluster.Nodes[0].Port}"));
        Assert.Equal(-1, cluster.IndexOfNode("no-such-node"));
    }

    [Fact]
    public async Task Disposing_a_cluster_ends_every_node_and_deletes_their_directories()
    {
        var cluster = await NatsCluster.StartAsync(3);
        var processIds = cluster.Nodes.Select(node => node.ProcessId!.Value).ToList();
        var directories = cluster.Nodes.Select(node => node.StoreDirectory!).ToList();

        await cluster.DisposeAsync();
        await cluster.DisposeAsync();

        Assert.All(processIds, processId => Assert.False(IsAlive(processId)));
        Assert.All(directories, directory => Assert.False(Directory.Exists(directory)));
    }

    [Fact]
    public async Task A_one_node_cluster_is_refused_because_nats_server_needs_routes_for_a_jetstream_cluster()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => NatsCluster.StartAsync(1));
    }

    [Fact]
    public void Unique_bucket_names_are_valid_and_never_repeat()
    {
        var names = Enumerable.Range(0, 10_000).Select(_ => BucketNames.Unique("kv-test")).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, name => Assert.Matches(ValidBucketName(), name));
        Assert.All(names, name => Assert.StartsWith("kv-test_", name, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("dotted.name")]
    [InlineData("star*")]
    [InlineData("")]
    public void A_bucket_name_prefix_with_characters_a_bucket_cannot_have_is_rejected(string prefix)
    {
        Assert.ThrowsAny<ArgumentException>(() => BucketNames.Unique(prefix));
    }

    private static NatsConnection Connect(string url) =>
        new(new NatsOpts { Url = url, RequestTimeout = TimeSpan.FromSeconds(2) });

    private static bool IsAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds, for cluster changes that take an election to settle.</summary>
    private static async Task Eventually(string what, Func<Task<bool>> condition)
    {
        var elapsed = Stopwatch.StartNew();
        Exception? lastError = null;
        while (elapsed.Elapsed < EventuallyTimeout)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is NatsException or TimeoutException or OperationCanceledException)
            {
                lastError = ex;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        Assert.Fail($"Expected {what} within {EventuallyTimeout.TotalSeconds} s. Last error: {lastError}");
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex ValidBucketName();
}
