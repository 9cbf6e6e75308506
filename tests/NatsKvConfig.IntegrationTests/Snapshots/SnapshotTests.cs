using Microsoft.Extensions.Configuration;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Snapshots;

public sealed class SnapshotTests : IDisposable
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    // Each test's own folder for its snapshot files, removed when the test ends.
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "natskvconfig-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private string NewSnapshotPath() => Path.Combine(_directory, Guid.NewGuid().ToString("N"), "config.snapshot");

    private static ConfigurationRoot Build(TestBucket bucket, string snapshotPath, CapturingLoggerProvider? logs = null, Action<NatsKvConfigurationSource>? configure = null) =>
        ProviderHarness.Build(
            bucket,
            source =>
            {
                source.SnapshotPath = snapshotPath;
                source.SnapshotInterval = TimeSpan.FromMilliseconds(50);
                source.OnWatchException = _ => TimeSpan.FromMilliseconds(100);
                configure?.Invoke(source);
            },
            logs?.CreateFactory());

    private static async Task<ConfigurationSnapshot> WaitForSnapshotAsync(string path, ulong revision)
    {
        ConfigurationSnapshot? snapshot = null;
        await Eventually.TrueAsync(
            () => SnapshotFile.TryRead(path, out snapshot, out _) && snapshot!.Revision >= revision,
            $"the snapshot at {path} reaches revision {revision}",
            Long);
        return snapshot!;
    }

    // A snapshot of the bucket as a provider loaded it, written and that provider stopped: the file a restart finds.
    private async Task<string> WrittenSnapshotAsync(TestBucket bucket)
    {
        var path = NewSnapshotPath();
        using (var first = Build(bucket, path))
        {
            await WaitForSnapshotAsync(path, first.Provider().AppliedRevision);
        }

        return path;
    }

    private static string? ValueIn(ConfigurationSnapshot snapshot, string path) =>
        snapshot.Entries.SelectMany(e => e.Outputs).FirstOrDefault(o => string.Equals(o.Key, path, StringComparison.OrdinalIgnoreCase)).Value;

    [Fact]
    public async Task The_applied_state_is_written_after_the_load_and_after_changes_readable_by_the_owner_only()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("db.host", "h1");
        await bucket.PutAsync("db.pool", """{"min": 1, "sizes": [2, 3]}""");
        var path = NewSnapshotPath();

        var logs = new CapturingLoggerProvider();
        using var root = Build(bucket, path, logs);
        var provider = root.Provider();
        var first = await WaitForSnapshotAsync(path, provider.AppliedRevision);
        Assert.Equal("h1", ValueIn(first, "db:host"));
        Assert.Equal("3", ValueIn(first, "db:pool:sizes:1"));
        Assert.Equal(bucket.Name, first.Bucket);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var revision = await bucket.PutAsync("db.host", "h2");
        var second = await WaitForSnapshotAsync(path, revision);
        Assert.Equal("h2", ValueIn(second, "db:host"));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp")); // no temporary file left behind
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_catch_up_ends_when_the_stream_s_last_message_is_gone_whether_or_not_changes_came_before_it(bool changedBefore)
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        var path = await WrittenSnapshotAsync(bucket);

        if (changedBefore)
        {
            await bucket.PutAsync("b", "2");
        }

        // The stream's last sequence stays that of a message no longer there: it cannot end the catch-up.
        await bucket.PutAsync("late", "x");
        await new NatsJSContext(bucket.Connection).PurgeStreamAsync($"KV_{bucket.Name}", new StreamPurgeRequest { Filter = $"$KV.{bucket.Name}.late" });

        using var root = Build(bucket, path, configure: s => s.StartupTimeout = Long);
        var provider = root.Provider();

        Assert.True(provider.IsLoaded);
        Assert.False(provider.IsServingSnapshot, "the catch-up ended with the newest message left, not with the start-up timeout");
        Assert.Equal("1", root["a"]);
        Assert.Equal(changedBefore ? "2" : null, root["b"]);
        Assert.Null(root["late"]);
    }

    // Also from a file of format 3, as the previous version wrote it: it carries no count of keys, so its entries
    // are read before the watch starts.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_restart_restores_the_snapshot_with_the_changes_since_then_the_full_state_confirms_it_without_a_reload(bool previousFormat)
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        await bucket.PutAsync("b", "1");
        await bucket.PutAsync("c", """{"x": "1"}""");
        var path = await WrittenSnapshotAsync(bucket);
        if (previousFormat)
        {
            Assert.True(SnapshotFile.TryRead(path, out var current, out var reason), reason);
            await File.WriteAllBytesAsync(path, Tests.Snapshots.EarlierSnapshotFormats.WriteVersion3(current!));
        }

        await bucket.PutAsync("a", "2");
        await bucket.DeleteAsync("b");
        await bucket.PutAsync("d", "new");
        var logs = new CapturingLoggerProvider();

        using var root = Build(bucket, path, logs);
        var provider = root.Provider();
        var reloads = root.CountReloads();

        Assert.True(provider.IsLoaded);
        Assert.False(provider.IsServingSnapshot);
        Assert.Equal("2", root["a"]);
        Assert.Null(root["b"]);
        Assert.Equal("1", root["c:x"]);
        Assert.Equal("new", root["d"]);
        Assert.True(logs.Has(7005), "the snapshot was restored");

        // The full state read next says the same: nothing for readers to reload.
        await Eventually.TrueAsync(() => logs.Has(11001), "the bucket's full state replaces the snapshot's", Long);
        Assert.False(logs.Has(11002));
        Assert.Equal(0, reloads());

        await bucket.PutAsync("a", "3");
        await Eventually.TrueAsync(() => root["a"] == "3", "live changes flow after the catch-up");
    }

    // The watch resumes from the header while the entries are read: when they then fail, what it read must not be
    // applied over nothing. The keys unchanged since the snapshot would be missing if it were.
    [Fact]
    public async Task A_snapshot_whose_entries_do_not_parse_behind_a_good_checksum_is_ignored_and_the_bucket_read_in_full()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        await bucket.PutAsync("b", "1");
        var path = await WrittenSnapshotAsync(bucket);
        await File.WriteAllBytesAsync(path, Tests.Snapshots.EarlierSnapshotFormats.WithDataAfterTheEntries(await File.ReadAllBytesAsync(path)));

        await bucket.PutAsync("a", "2");
        await bucket.PutAsync("d", "new");
        var logs = new CapturingLoggerProvider();

        using var root = Build(bucket, path, logs);
        var provider = root.Provider();

        Assert.True(provider.IsLoaded);
        Assert.False(provider.IsServingSnapshot);
        Assert.Equal("2", root["a"]);
        Assert.Equal("1", root["b"]);
        Assert.Equal("new", root["d"]);
        Assert.Contains(logs.Ours, entry => entry.EventId == 7002 && entry.Message.Contains("inconsistent", StringComparison.Ordinal));
        Assert.False(logs.Has(7005), "nothing of the file was restored");

        await bucket.PutAsync("b", "3");
        await Eventually.TrueAsync(() => root["b"] == "3", "live changes flow after the full read");
        await WaitForSnapshotAsync(path, provider.AppliedRevision);
    }

    [Fact]
    public async Task A_forged_snapshot_matching_the_stream_is_replaced_by_the_bucket_s_full_state_once_it_is_reachable()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("db.host", "real-host");
        await bucket.PutAsync("db.password", "real-password");
        await bucket.PutAsync("db.port", "5432");
        var js = new NatsJSContext(bucket.Connection);
        var stream = (await js.GetStreamAsync($"KV_{bucket.Name}")).Info;

        // Same stream creation time, revision and number of keys as the bucket: nothing in the catch-up tells it
        // apart. One key altered, one left out, one invented that the bucket never had.
        var path = NewSnapshotPath();
        SnapshotFile.Write(path, new ConfigurationSnapshot(
            bucket.Name,
            string.Empty,
            JsonExpansionLimits.Default,
            stream.Created,
            stream.State.LastSeq,
            DateTimeOffset.UtcNow,
            [
                new SnapshotEntry("db.host", 1, [new KeyValuePair<string, string?>("db:host", "attacker-host")]),
                new SnapshotEntry("db.password", 2, [new KeyValuePair<string, string?>("db:password", "real-password")]),
                new SnapshotEntry("db.proxy", 3, [new KeyValuePair<string, string?>("db:proxy", "attacker-proxy")]),
            ]));
        var logs = new CapturingLoggerProvider();

        using var root = Build(bucket, path, logs);
        var reloads = root.CountReloads();

        await Eventually.TrueAsync(() => root["db:host"] == "real-host" && root["db:proxy"] is null, "the bucket's own values replace the forged ones", Long);
        Assert.Equal("real-password", root["db:password"]);
        Assert.Equal("5432", root["db:port"]);
        Assert.Equal(["host", "password", "port"], root.GetSection("db").GetChildren().Select(c => c.Key).Order(StringComparer.Ordinal));
        Assert.True(logs.Has(7005), "the forged snapshot was restored first");
        Assert.False(logs.Has(7006), "the catch-up took it for the bucket's own");

        // Readers see the new view before the apply loop logs what it replaced: wait for the log, not just the values.
        await Eventually.TrueAsync(() => logs.Has(11002), "the correction was logged", Long);
        var corrected = Assert.Single(logs.Ours, e => e.EventId == 11002);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, corrected.Level);
        Assert.Contains("3 configuration paths", corrected.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("attacker", corrected.Message, StringComparison.Ordinal);
        Assert.True(reloads() >= 1, "readers were told");

        // The file is rewritten from the bucket: the forged values do not come back at the next start.
        ConfigurationSnapshot? rewritten = null;
        await Eventually.TrueAsync(
            () => SnapshotFile.TryRead(path, out rewritten, out _) && ValueIn(rewritten!, "db:host") == "real-host" && ValueIn(rewritten!, "db:proxy") is null,
            "the snapshot file holds the bucket's values",
            Long);
    }

    [Fact]
    public async Task A_snapshot_that_is_a_symbolic_link_is_refused_with_a_warning_and_the_bucket_is_loaded()
    {
        var (bucket, good) = await BucketWithSnapshotAsync("from-bucket");
        await using var owned = bucket;
        var link = NewSnapshotPath();
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        File.CreateSymbolicLink(link, good);

        AssertRefused(bucket, link, "symbolic link");

        // The link was replaced by the provider's own file, and the file it pointed to left alone.
        await Eventually.TrueAsync(() => new FileInfo(link).LinkTarget is null, "the link is replaced by a snapshot of its own", Long);
        Assert.True(SnapshotFile.TryRead(good, out _, out _));
    }

    [Fact]
    public async Task A_snapshot_readable_by_others_is_refused_with_a_warning()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // modes are Unix only
        }

        var (bucket, path) = await BucketWithSnapshotAsync("from-bucket");
        await using var owned = bucket;
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        AssertRefused(bucket, path, "mode 644");
    }

    [Fact]
    public async Task A_snapshot_larger_than_SnapshotMaxBytes_is_refused_with_a_warning()
    {
        var (bucket, path) = await BucketWithSnapshotAsync("from-bucket");
        await using var owned = bucket;
        var size = new FileInfo(path).Length;

        AssertRefused(bucket, path, $"larger than the {size - 1} bytes", s => s.SnapshotMaxBytes = size - 1);
    }

    [Fact]
    public async Task A_snapshot_path_linked_to_dev_zero_is_refused_at_once()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using var bucket = await TestBucket.CreateAsync((await SharedNatsServer.GetAsync()).Url);
        await bucket.PutAsync("a", "changed");
        var link = NewSnapshotPath();
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        File.CreateSymbolicLink(link, "/dev/zero");

        AssertRefused(bucket, link, "symbolic link");
    }

    [Fact]
    public async Task A_folder_the_provider_creates_for_its_snapshot_is_0700()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var (bucket, path) = await BucketWithSnapshotAsync("from-bucket");
        await using var owned = bucket;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
    }

    /// <summary>A bucket holding <c>a</c> = <paramref name="value"/>, and a good snapshot of it written by a provider.</summary>
    private async Task<(TestBucket Bucket, string Path)> BucketWithSnapshotAsync(string value)
    {
        var bucket = await TestBucket.CreateAsync((await SharedNatsServer.GetAsync()).Url);
        await bucket.PutAsync("a", value);
        var path = await WrittenSnapshotAsync(bucket);

        // Changed since: a snapshot in use would serve the old value first and log its restore.
        await bucket.PutAsync("a", "changed");
        return (bucket, path);
    }

    private static void AssertRefused(TestBucket bucket, string path, string reason, Action<NatsKvConfigurationSource>? configure = null)
    {
        var logs = new CapturingLoggerProvider();
        var started = System.Diagnostics.Stopwatch.StartNew();

        using var root = Build(bucket, path, logs, configure);

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), "start-up did not wait on the file");
        Assert.True(root.Provider().IsLoaded);
        Assert.Equal("changed", root["a"]);
        Assert.False(logs.Has(7005), "the snapshot was not restored");
        var ignored = Assert.Single(logs.Ours, e => e.EventId == 7002);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, ignored.Level);
        Assert.Contains(reason, ignored.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("from-bucket", ignored.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_server_cannot_be_reached_the_snapshot_is_served_and_the_provider_catches_up_once_it_is_back()
    {
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true, ServerName = "snapshot" });
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "from-snapshot");
        await bucket.PutAsync("b", "kept");
        var path = await WrittenSnapshotAsync(bucket);

        await server.StopAsync();
        var logs = new CapturingLoggerProvider();

        // Not optional: without the snapshot this Build() would throw.
        using var root = Build(bucket, path, logs, s => s.StartupTimeout = TimeSpan.FromSeconds(1));
        var provider = root.Provider();
        var reloads = root.CountReloads();

        Assert.Equal("from-snapshot", root["a"]);
        Assert.True(provider.IsServingSnapshot);
        Assert.False(provider.IsLoaded);
        Assert.Contains(logs.Ours, e => e.EventId == 7001 && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);

        await server.RestartAsync();
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    await bucket.PutAsync("a", "after");
                    return true;
                }
                catch (Exception e) when (e is NATS.Client.Core.NatsException or TimeoutException)
                {
                    return false;
                }
            },
            "the writer reconnects",
            Long);

        await Eventually.TrueAsync(() => root["a"] == "after" && provider.IsLoaded && reloads() > 0, "the provider catches up once the server is back", Long);
        Assert.False(provider.IsServingSnapshot);
        Assert.Equal("kept", root["b"]);
    }

    [Fact]
    public async Task A_bucket_recreated_since_the_snapshot_is_read_in_full()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("old", "1");
        await bucket.PutAsync("keep", "1");
        await bucket.PutAsync("more", "1");
        var path = await WrittenSnapshotAsync(bucket);

        await bucket.Kv.DeleteStoreAsync(bucket.Name);
        var store = await Stores.CreateAsync(bucket.Kv, new NATS.Client.KeyValueStore.NatsKVConfig(bucket.Name) { History = 10 });
        await store.PutAsync("keep", "2"u8.ToArray());
        await store.PutAsync("new", "1"u8.ToArray());
        await store.PutAsync("newer", "1"u8.ToArray());
        await store.PutAsync("newest", "1"u8.ToArray()); // revisions now pass the snapshot's: only the creation time tells
        var logs = new CapturingLoggerProvider();

        using var root = Build(bucket, path, logs);

        Assert.Null(root["old"]);
        Assert.Null(root["more"]);
        Assert.Equal("2", root["keep"]);
        Assert.Equal("1", root["newest"]);
        Assert.True(logs.Has(7006), "the snapshot was found not to continue the bucket");
    }

    [Fact]
    public async Task A_stream_purged_since_the_snapshot_is_read_in_full()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        for (var i = 0; i < 5; i++)
        {
            await bucket.PutAsync($"k{i}", "1");
        }

        var path = await WrittenSnapshotAsync(bucket);

        // A stream purge sends nothing to a watch; resuming after the snapshot alone would keep all five keys.
        var js = new NatsJSContext(bucket.Connection);
        await js.PurgeStreamAsync($"KV_{bucket.Name}", new StreamPurgeRequest());
        await bucket.PutAsync("z", "1");
        var logs = new CapturingLoggerProvider();

        using var root = Build(bucket, path, logs);

        Assert.Equal("1", root["z"]);
        Assert.All(Enumerable.Range(0, 5), i => Assert.Null(root[$"k{i}"]));
        Assert.True(logs.Has(7006));
    }

    [Fact]
    public async Task A_purge_is_detected_even_while_a_large_snapshot_is_still_being_restored()
    {
        // The watch starts while the snapshot's state is built: it must compare the stream with the snapshot's key
        // count, not with the empty state that is there before the restore ends.
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("k", "1");
        var js = new NatsJSContext(bucket.Connection);
        var stream = await js.GetStreamAsync($"KV_{bucket.Name}");
        var path = NewSnapshotPath();
        var entries = Enumerable.Range(0, 400_000)
            .Select(i => new SnapshotEntry($"old.k{i}", 1, [new KeyValuePair<string, string?>($"old:k{i}", "stale")]))
            .ToList();
        SnapshotFile.Write(path, new ConfigurationSnapshot(bucket.Name, string.Empty, JsonExpansion: JsonExpansionLimits.Default, stream.Info.Created, stream.Info.State.LastSeq, DateTimeOffset.UtcNow, entries));

        await js.PurgeStreamAsync($"KV_{bucket.Name}", new StreamPurgeRequest());
        await bucket.PutAsync("z", "1");
        var logs = new CapturingLoggerProvider();

        // Large enough that the restore outlasts the watch's start here (with 50,000 keys it did not).
        using var root = Build(bucket, path, logs);

        Assert.Equal("1", root["z"]);
        Assert.Null(root["old:k0"]);
        Assert.Null(root["old:k399999"]);
        Assert.True(logs.Has(7006));
    }

    [Fact]
    public async Task A_corrupt_or_foreign_snapshot_is_ignored_with_a_warning_and_replaced_by_a_good_one()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var other = await TestBucket.CreateAsync(server.Url);
        await other.PutAsync("a", "other-bucket");
        var foreignPath = await WrittenSnapshotAsync(other);

        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var revision = await bucket.PutAsync("a", "mine");

        var corruptPath = NewSnapshotPath();
        Directory.CreateDirectory(Path.GetDirectoryName(corruptPath)!);
        var good = await File.ReadAllBytesAsync(foreignPath);
        await File.WriteAllBytesAsync(corruptPath, good[..(good.Length / 2)]); // truncated

        foreach (var path in new[] { foreignPath, corruptPath })
        {
            var logs = new CapturingLoggerProvider();
            using var root = Build(bucket, path, logs);

            Assert.Equal("mine", root["a"]);
            Assert.True(logs.Has(7002), $"the unusable snapshot {path} is reported");
            Assert.False(logs.Has(7005));
            ConfigurationSnapshot? rewritten = null;
            await Eventually.TrueAsync(
                () => SnapshotFile.TryRead(path, out rewritten, out _) && rewritten!.Bucket == bucket.Name,
                "a good snapshot of this bucket replaces the unusable one");
            Assert.Equal(revision, rewritten!.Revision);
        }
    }
    [Fact]
    public async Task With_ReloadOnChange_off_the_loaded_state_is_still_written_to_the_snapshot_while_the_app_runs()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var revision = await bucket.PutAsync("db.host", "h1");
        var path = NewSnapshotPath();

        using var root = Build(bucket, path, configure: source => source.ReloadOnChange = false);

        // Loaded once and no longer watching: the state must still reach the snapshot, not only at disposal.
        Assert.Equal("h1", root["db:host"]);
        var snapshot = await WaitForSnapshotAsync(path, revision);
        Assert.Equal("h1", ValueIn(snapshot, "db:host"));
    }
}
