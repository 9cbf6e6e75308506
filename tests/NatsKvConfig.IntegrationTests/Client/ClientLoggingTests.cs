using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Client;

public class ClientLoggingTests
{
    [Fact]
    public async Task Writes_conflicts_and_bucket_changes_are_logged_by_key_and_revision_never_by_value()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = logs.CreateFactory();
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, create: false);
        var client = ClientBucket.NewClient(bucket, o => o.LoggerFactory = factory);

        await client.EnsureBucketAsync();
        var revision = await client.PutAsync(NatsKvConfigKey.Parse("db:password"), "hunter2-secret");
        await client.ImportAsync("""{"db": {"password": "hunter3-secret", "user": "admin-secret"}}""");
        var conflict = await Assert.ThrowsAsync<NatsKvRevisionConflictException>(() => client.UpdateAsync(NatsKvConfigKey.Parse("db:password"), "hunter4-secret", revision));

        Assert.True(logs.Has(8001), "the bucket change is logged");
        Assert.True(logs.Has(8002), "the import is logged");
        Assert.True(logs.Has(8003), "the conflict is logged");
        Assert.Contains(logs.Ours, e => e.EventId == 8003 && e.Message.Contains("db.password", StringComparison.Ordinal));
        new SecretScan().Add(logs).Add(conflict).AssertNowhere("secret", minimumSources: 3);
    }
}
