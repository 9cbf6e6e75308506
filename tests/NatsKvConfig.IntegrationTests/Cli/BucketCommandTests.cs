using System.Text.Json;
using NatsKvConfig.IntegrationTests.Client;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Cli;

public class BucketCommandTests
{
    [Fact]
    public async Task Bucket_add_creates_the_bucket_with_the_settings_given()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, create: false);

        var run = await CliRun.Async(server.Url, "--json", "bucket", "add", bucket.Name, "--history", "20", "--ttl", "1h30m", "--max-bytes", "1MiB", "--replicas", "1");

        using var json = JsonDocument.Parse(run.Ok());
        Assert.Equal(bucket.Name, json.RootElement.GetProperty("bucket").GetString());
        var info = await ClientBucket.NewClient(bucket).GetBucketInfoAsync();
        Assert.Equal(20, info.History);
        Assert.Equal(TimeSpan.FromMinutes(90), info.MaxAge);
        Assert.Equal(1L << 20, info.MaxBytes);
        Assert.Equal(20, json.RootElement.GetProperty("history").GetInt32());
        Assert.Equal(5400, json.RootElement.GetProperty("ttlSeconds").GetDouble());
    }

    [Fact]
    public async Task Bucket_add_on_an_existing_bucket_changes_only_the_settings_given()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, create: false);
        (await CliRun.Async(server.Url, "bucket", "add", bucket.Name, "--history", "5", "--ttl", "2h")).Ok();

        var run = await CliRun.Async(server.Url, "--json", "bucket", "add", bucket.Name, "--history", "7");

        using var json = JsonDocument.Parse(run.Ok());
        Assert.Equal(7, json.RootElement.GetProperty("history").GetInt32());
        Assert.Equal(7200, json.RootElement.GetProperty("ttlSeconds").GetDouble()); // kept, not reset to "for ever"
    }

    [Fact]
    public async Task Bucket_info_shows_settings_and_state_as_an_aligned_table()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        await bucket.PutAsync("a", "1");
        await bucket.PutAsync("b", "2");

        var output = (await CliRun.Async(server.Url, "bucket", "info", bucket.Name)).Ok();

        var lines = output.Split('\n');
        Assert.Contains(lines, l => l.Contains("bucket") && l.Contains(bucket.Name));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+keys\s+2\s*$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+history\s+10\s*$"));
        var valueColumn = lines.Where(l => l.Contains("history") || l.Contains("replicas")).Select(l => l.IndexOf(l.Trim().Split(" ", StringSplitOptions.RemoveEmptyEntries)[1], StringComparison.Ordinal)).Distinct();
        Assert.Single(valueColumn); // aligned
    }

    [Fact]
    public async Task Bucket_info_of_a_missing_bucket_exits_with_2()
    {
        var server = await SharedNatsServer.GetAsync();

        var line = (await CliRun.Async(server.Url, "bucket", "info", "no_such_bucket_here")).Fails(2);

        Assert.Contains("no_such_bucket_here", line);
        Assert.Contains("does not exist", line);
    }

    [Theory]
    [InlineData("--history", "65", "History must be between 1 and 64")]
    [InlineData("--ttl", "soon", "'soon' is not a duration for --ttl")]
    [InlineData("--max-bytes", "lots", "'lots' is not a size for --max-bytes")]
    [InlineData("--replicas", "9", "Replicas must be between 1 and 5")]
    [InlineData("--storage", "bogus", "'bogus' is not a storage type for --storage: use file or memory")]
    public async Task Bucket_add_with_a_bad_setting_exits_with_1_naming_it(string option, string value, string message)
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, create: false);

        var line = (await CliRun.Async(server.Url, "bucket", "add", bucket.Name, option, value)).Fails(1);

        Assert.Contains(message, line);
        Assert.DoesNotContain(bucket.Name, await ListBucketsAsync(bucket));
    }

    [Fact]
    public async Task An_invalid_bucket_name_is_a_usage_error_before_anything_connects()
    {
        var line = (await CliRun.Async("nats://127.0.0.1:1", "bucket", "add", "my.bucket")).Fails(1);

        Assert.Contains("'my.bucket' is not a valid NATS KV bucket name: use only A-Z a-z 0-9 - _", line);
    }

    private static async Task<List<string>> ListBucketsAsync(TestBucket bucket)
    {
        var names = new List<string>();
        await foreach (var name in bucket.Kv.GetBucketNamesAsync())
        {
            names.Add(name);
        }

        return names;
    }
}
