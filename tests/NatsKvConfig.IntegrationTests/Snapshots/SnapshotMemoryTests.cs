using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Snapshots;

/// <summary>What a provider keeps of a snapshot once its state turned over: nothing but its revision and age.</summary>
[Collection(nameof(MeasuresProcessMemory))]
public sealed class SnapshotMemoryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nkc-snapshot-memory-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_restored_snapshot_is_not_kept_alive_once_the_bucket_s_own_state_replaced_it()
    {
        const int Keys = 20_000;
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("only", "1");

        // A snapshot of another bucket under the same name (another creation time): 20,000 keys of 1 KB, ~40 MB.
        var path = Path.Combine(_directory, "config.snapshot");
        var value = new string('v', 1024);
        var entries = Enumerable.Range(0, Keys)
            .Select(i => new SnapshotEntry($"k{i}", (ulong)i + 1, [new KeyValuePair<string, string?>($"k{i}", value + i)]))
            .ToList();
        SnapshotFile.Write(path, new ConfigurationSnapshot(bucket.Name, string.Empty, JsonExpansionLimits.Default, DateTimeOffset.UnixEpoch, Keys, DateTimeOffset.UtcNow, entries));
        entries = null;
        var before = GC.GetTotalMemory(forceFullCollection: true);

        var logs = new CapturingLoggerProvider();
        using var root = ProviderHarness.Build(bucket, s => s.SnapshotPath = path, logs.CreateFactory());
        await Eventually.TrueAsync(() => root["only"] == "1" && root["k0"] is null, "the bucket's own state replaces the snapshot's");
        Assert.True(logs.Has(7005), "the snapshot was restored first");

        // The snapshot's 20,000 values are garbage now: what stays is the bucket's one key.
        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.True(retained < 8L * 1024 * 1024, $"the provider kept {retained:N0} bytes after its state turned over");
        GC.KeepAlive(root);
    }
}
