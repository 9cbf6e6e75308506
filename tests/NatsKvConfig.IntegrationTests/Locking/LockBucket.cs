using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Locking;

/// <summary>
/// A uniquely named bucket with a max age (the lock lease), and connections to it: one per contender, so
/// each behaves like its own process and can be cut off without touching the others.
/// </summary>
internal sealed class LockBucket : IAsyncDisposable
{
    private readonly List<NatsConnection> _connections = [];
    private readonly NatsConnection _admin;
    private readonly INatsKVContext _kv;

    private LockBucket(NatsConnection admin, INatsKVContext kv, INatsKVStore store, string name, string url, TimeSpan maxAge)
    {
        _admin = admin;
        _kv = kv;
        Store = store;
        Name = name;
        Url = url;
        MaxAge = maxAge;
    }

    /// <summary>The bucket seen through the admin connection (an observer, not a contender).</summary>
    public INatsKVStore Store { get; }

    public string Name { get; }

    public string Url { get; }

    public TimeSpan MaxAge { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public static async Task<LockBucket> CreateAsync(string url, TimeSpan maxAge, int history = 10, int replicas = 1)
    {
        var admin = new NatsConnection(NatsOpts.Default with { Url = url, Name = "lock-test-admin" });
        await admin.ConnectAsync();
        var kv = new NatsKVContext(new NatsJSContext(admin));
        var name = BucketNames.Unique("locks");
        var store = await Stores.CreateAsync(kv, new NatsKVConfig(name) { MaxAge = maxAge, History = history, NumberOfReplicas = replicas });
        return new LockBucket(admin, kv, store, name, url, maxAge) { _history = history, _replicas = replicas };
    }

    private int _history;
    private int _replicas;

    /// <summary>Changes the bucket's max age (the lease of its locks), as an operator would while locks are held.</summary>
    public async Task SetMaxAgeAsync(TimeSpan maxAge) =>
        await _kv.UpdateStoreAsync(new NatsKVConfig(Name) { MaxAge = maxAge, History = _history, NumberOfReplicas = _replicas });

    /// <summary>The bucket's store through a new connection of its own.</summary>
    public async Task<(NatsConnection Connection, INatsKVStore Store)> ConnectAsync(string name)
    {
        var connection = new NatsConnection(NatsOpts.Default with { Url = Url, Name = name });
        await connection.ConnectAsync();
        lock (_connections)
        {
            _connections.Add(connection);
        }

        var store = await new NatsKVContext(new NatsJSContext(connection)).GetStoreAsync(Name);
        return (connection, store);
    }

    /// <summary>A lock over its own connection, logging into <see cref="Logs"/>.</summary>
    public async Task<NatsKvLock> NewLockAsync(string contender)
    {
        var (_, store) = await ConnectAsync(contender);
        return NewLock(store);
    }

    public NatsKvLock NewLock(INatsKVStore store) =>
        new(store, Logs.CreateFactory().CreateLogger<NatsKvLock>());

    /// <summary>
    /// A holder of lock <paramref name="name"/> over a connection of its own, and how to make it die as its process
    /// would: it stops renewing, never releases, and its connection goes away.
    /// </summary>
    public async Task<(NatsKvLockHandle Holder, Func<Task> DieAsync)> HolderAsync(string name)
    {
        var (connection, store) = await ConnectAsync("holder");
        var holder = await NewLock(store).TryAcquireAsync(name);
        Assert.NotNull(holder);
        return (holder, async () =>
        {
            holder.Abandon();
            await connection.DisposeAsync();
        });
    }

    /// <summary>Every message the key holds, oldest first (as many as the bucket's history keeps).</summary>
    public async Task<List<NatsKVEntry<byte[]>>> HistoryAsync(string key)
    {
        var entries = new List<NatsKVEntry<byte[]>>();
        await foreach (var entry in Store.HistoryAsync<byte[]>(key))
        {
            entries.Add(entry);
        }

        return entries;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _kv.DeleteStoreAsync(Name, timeout.Token);
        }
        catch (Exception)
        {
            // The server may be gone already.
        }

        List<NatsConnection> connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        await _admin.DisposeAsync();
    }
}
