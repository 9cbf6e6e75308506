using Microsoft.Extensions.Configuration;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Client;

public class SectionTests
{
    private static ServiceOptions Sample() => new()
    {
        Name = "billing",
        Port = 8080,
        Timeout = TimeSpan.FromSeconds(30),
        Mode = ServiceMode.Active,
        Ratio = 0.25,
        Retries = null,
        Database = new DatabaseOptions { Host = "db1", Port = 5432 },
        Servers = ["a", "b", "c"],
        Weights = [1, 2],
        Limits = new Dictionary<string, int> { ["cpu"] = 2, ["memory"] = 512 },
    };

    [Fact]
    public async Task A_typed_section_written_binds_back_to_an_equal_object()
    {
        await using var b = await ClientBucket.CreateAsync();
        var options = Sample();

        var result = await b.Client.PutSectionAsync("Service", options);
        var read = await b.Client.GetSectionAsync<ServiceOptions>("Service");

        Assert.Equal(ServiceOptions.Describe(options), ServiceOptions.Describe(read!));
        Assert.NotEmpty(result.Plan.Added);
        Assert.Empty(result.Plan.Removed);
        Assert.Equal("Active", (await b.Client.GetAsync(NatsKvConfigKey.Parse("Service:Mode")))!.Value); // enums as names
        Assert.Equal("00:00:30", (await b.Client.GetAsync(NatsKvConfigKey.Parse("Service:Timeout")))!.Value);
    }

    [Fact]
    public async Task Writing_the_same_object_again_writes_nothing_and_one_change_writes_one_key()
    {
        await using var b = await ClientBucket.CreateAsync();
        var options = Sample();
        await b.Client.PutSectionAsync("Service", options);
        var hostRevision = (await b.Client.GetAsync(NatsKvConfigKey.Parse("Service:Database:Host")))!.Revision;

        var same = await b.Client.PutSectionAsync("Service", options);
        options.Port = 9090;
        var changed = await b.Client.PutSectionAsync("Service", options);

        Assert.True(same.Plan.IsEmpty);
        Assert.Equal(0UL, same.LastRevision);
        var update = Assert.Single(changed.Plan.Changes);
        Assert.Equal(NatsKvConfigChangeKind.Update, update.Kind);
        Assert.Equal("Service:Port", update.Path);
        Assert.Equal("8080", update.OldValue);
        Assert.Equal("9090", update.NewValue);
        Assert.Equal(hostRevision, (await b.Client.GetAsync(NatsKvConfigKey.Parse("Service:Database:Host")))!.Revision);
    }

    [Fact]
    public async Task A_shrinking_list_leaves_no_stale_items()
    {
        await using var b = await ClientBucket.CreateAsync();
        var options = Sample();
        await b.Client.PutSectionAsync("Service", options);

        options.Servers = ["x"];
        options.Limits.Remove("memory");
        var result = await b.Client.PutSectionAsync("Service", options);

        Assert.Equal(["Service.Limits.memory", "Service.Servers.1", "Service.Servers.2"], result.Plan.Removed.Select(c => c.Key));
        Assert.Null(await b.Client.GetAsync(NatsKvConfigKey.Parse("Service:Servers:1")));
        var read = await b.Client.GetSectionAsync<ServiceOptions>("Service");
        Assert.Equal(["x"], read!.Servers);
        Assert.Equal(["cpu"], read.Limits.Keys);
    }

    [Fact]
    public async Task Keys_outside_the_section_are_left_alone()
    {
        await using var b = await ClientBucket.CreateAsync();
        await b.Client.PutAsync(NatsKvConfigKey.Parse("ServiceOther:Name"), "keep");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("Other"), "keep");

        await b.Client.PutSectionAsync("Service", Sample());
        await b.Client.PutSectionAsync("Service", new ServiceOptions { Name = "small" });

        Assert.Equal("keep", (await b.Client.GetAsync(NatsKvConfigKey.Parse("ServiceOther:Name")))!.Value);
        Assert.Equal("keep", (await b.Client.GetAsync(NatsKvConfigKey.Parse("Other")))!.Value);
        var keys = (await b.Bucket.ReadAllAsync()).Keys.ToList();
        Assert.DoesNotContain(keys, k => k.StartsWith("Service.Servers.", StringComparison.Ordinal) || k.StartsWith("Service.Limits.", StringComparison.Ordinal));
        Assert.Equal("small", (await b.Client.GetAsync(NatsKvConfigKey.Parse("Service:Name")))!.Value);
    }

    [Fact]
    public async Task A_json_value_already_in_the_section_is_read_like_the_provider_reads_it()
    {
        await using var b = await ClientBucket.CreateAsync();
        await b.Bucket.PutAsync("Service.Database", """{"Host":"json-host","Port":1}""");

        var read = await b.Client.GetSectionAsync<ServiceOptions>("Service");
        var section = await b.Client.GetSectionAsync("Service");

        Assert.Equal("json-host", read!.Database.Host);
        Assert.Equal("1", section["Database:Port"]);
    }

    [Fact]
    public async Task A_scalar_section_and_the_root_can_be_written()
    {
        await using var b = await ClientBucket.CreateAsync();

        await b.Client.PutSectionAsync("MaxItems", 42);
        Assert.Equal(42, await b.Client.GetSectionAsync<int>("MaxItems"));

        await b.Client.PutSectionAsync(null, new DatabaseOptions { Host = "root-host", Port = 1 });

        var root = await b.Client.GetSectionAsync<DatabaseOptions>(null);
        Assert.Equal("root-host", root!.Host);
        // The root write replaced everything, the scalar section included.
        Assert.Null(await b.Client.GetAsync(NatsKvConfigKey.Parse("MaxItems")));
        await Assert.ThrowsAsync<ArgumentException>(() => b.Client.PutSectionAsync("", "just a string"));
    }

    [Fact]
    public async Task With_a_sentinel_key_the_sentinel_is_bumped_last_and_a_sentinel_provider_sees_the_whole_change_at_once()
    {
        await using var b = await ClientBucket.CreateAsync(o => o.SentinelKey = "config.version");
        var options = Sample();
        await b.Client.PutSectionAsync("Service", options);
        using var root = ProviderHarness.Build(b.Bucket, s => s.SentinelKey = "config.version");
        var seen = new List<(string? Port, string? Host)>();
        Microsoft.Extensions.Primitives.ChangeToken.OnChange(root.GetReloadToken, () =>
        {
            lock (seen)
            {
                seen.Add((root["Service:Port"], root["Service:Database:Host"]));
            }
        });

        options.Port = 1;
        options.Database.Host = "db2";
        var result = await b.Client.PutSectionAsync("Service", options);

        Assert.NotNull(result.SentinelRevision);
        Assert.Equal(result.LastRevision, result.SentinelRevision);
        Assert.True(result.Plan.Changes.Count == 2);
        var history = await b.Client.GetSectionHistoryAsync(null);
        Assert.Equal("config.version", history[^1].Key); // the newest entry of the bucket is the sentinel's
        Assert.Equal("2", history[^1].Value); // a counter: bumped once per write call
        await Eventually.TrueAsync(
            () =>
            {
                lock (seen)
                {
                    return seen.Count > 0;
                }
            },
            "the change set is released by the sentinel, with one reload");
        lock (seen)
        {
            Assert.Equal(("1", "db2"), seen[0]); // the first reload already saw both changes
        }
    }

    [Fact]
    public async Task A_provider_sees_what_the_client_writes_live()
    {
        await using var b = await ClientBucket.CreateAsync();
        await b.Client.PutSectionAsync("Service", Sample());
        using var root = ProviderHarness.Build(b.Bucket);
        Assert.Equal(ServiceOptions.Describe(Sample()), ServiceOptions.Describe(root.GetSection("Service").Get<ServiceOptions>()!));

        var changed = Sample();
        changed.Servers = ["only"];
        changed.Mode = ServiceMode.Draining;
        await b.Client.PutSectionAsync("Service", changed);

        await Eventually.TrueAsync(
            () => ServiceOptions.Describe(changed) == ServiceOptions.Describe(root.GetSection("Service").Get<ServiceOptions>()!),
            "the provider binds the new object");
        Assert.Null(root["Service:Servers:1"]);
    }
}

public enum ServiceMode
{
    Active,
    Draining,
}

public sealed class DatabaseOptions
{
    public string Host { get; set; } = "";

    public int Port { get; set; }
}

public sealed class ServiceOptions
{
    public string Name { get; set; } = "";

    public int Port { get; set; }

    public TimeSpan Timeout { get; set; }

    public ServiceMode Mode { get; set; }

    public double Ratio { get; set; }

    public int? Retries { get; set; }

    public DatabaseOptions Database { get; set; } = new();

    public List<string> Servers { get; set; } = [];

    public int[] Weights { get; set; } = [];

    public Dictionary<string, int> Limits { get; set; } = [];

    /// <summary>Every property as text, to compare two objects whole.</summary>
    public static string Describe(ServiceOptions o) =>
        $"{o.Name}|{o.Port}|{o.Timeout}|{o.Mode}|{o.Ratio}|{o.Retries}|{o.Database.Host}:{o.Database.Port}|{string.Join(",", o.Servers)}|{string.Join(",", o.Weights)}|{string.Join(",", o.Limits.OrderBy(p => p.Key, StringComparer.Ordinal))}";
}
