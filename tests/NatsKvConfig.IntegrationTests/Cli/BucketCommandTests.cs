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
    public async Task Bucket_add_on_an_existing_bucket_leaves_it_as_it_is_with_a_warning_per_setting_it_has_otherwise()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, create: false);
        (await CliRun.Async(server.Url, "bucket", "add", bucket.Name, "--history", "20", "--ttl", "2h")).Ok();

        var run = await CliRun.Async(server.Url, "bucket", "add", bucket.Name, "--history", "10", "--ttl", "2h", "--replicas", "1");

        var output = run.Ok();
        Assert.Equal(
            [
                $"warning: bucket {bucket.Name} has history 20, not 10: left as it is (change it with 'nats-kv-config bucket edit')",
                $"Bucket {bucket.Name} exists",
            ],
            run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"(?m)^\s+history\s+20\s*$", output);
        var info = await ClientBucket.NewClient(bucket).GetBucketInfoAsync();
        Assert.Equal(20, info.History);
        Assert.Equal(TimeSpan.FromHours(2), info.MaxAge);
    }

    [Fact]
    public async Task Bucket_add_with_json_lists_the_differences_and_warnings_and_compares_only_the_settings_given()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, create: false);
        (await CliRun.Async(server.Url, "bucket", "add", bucket.Name, "--history", "5", "--ttl", "2h")).Ok();

        var same = await CliRun.Async(server.Url, "--json", "bucket", "add", bucket.Name); // nothing given: nothing differs
        var run = await CliRun.Async(server.Url, "--json", "bucket", "add", bucket.Name, "--history", "7", "--storage", "memory");

        using var sameJson = JsonDocument.Parse(same.Ok());
        Assert.Empty(sameJson.RootElement.GetProperty("differences").EnumerateArray());
        Assert.Empty(same.Err);
        using var json = JsonDocument.Parse(run.Ok());
        Assert.Equal(5, json.RootElement.GetProperty("history").GetInt32());
        Assert.Equal(7200, json.RootElement.GetProperty("ttlSeconds").GetDouble());
        Assert.Equal(
            [("History", "7", "5"), ("Storage", "memory", "file")],
            json.RootElement.GetProperty("differences").EnumerateArray().Select(d => (d.GetProperty("setting").GetString(), d.GetProperty("requested").GetString(), d.GetProperty("actual").GetString())));
        Assert.Equal(
            [
                $"bucket {bucket.Name} has history 5, not 7: left as it is (change it with 'nats-kv-config bucket edit')",
                $"bucket {bucket.Name} has file storage, not memory: left as it is (a bucket's storage and what it mirrors never change: create another bucket for others)",
            ],
            json.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()));
        Assert.Empty(run.Err); // --json carries its warnings in the document
    }

    [Fact]
    public async Task Bucket_edit_changes_only_the_settings_given()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, create: false);
        (await CliRun.Async(server.Url, "bucket", "add", bucket.Name, "--history", "5", "--ttl", "2h", "--max-bytes", "1MiB", "--description", "ours")).Ok();
        var client = ClientBucket.NewClient(bucket);
        await client.PutAsync(NatsKvConfigKey.Parse("a"), "1");

        var run = await CliRun.Async(server.Url, "bucket", "edit", bucket.Name, "--history", "30");

        var output = run.Ok();
        Assert.Equal($"Updated bucket {bucket.Name}", run.Err.Trim());
        Assert.Matches(@"(?m)^\s+history\s+30\s*$", output);
        var info = await client.GetBucketInfoAsync();
        Assert.Equal(30, info.History);
        Assert.Equal(TimeSpan.FromHours(2), info.MaxAge); // kept, not reset to "for ever"
        Assert.Equal(1L << 20, info.MaxBytes);
        Assert.Equal("ours", info.Description);
        Assert.Equal(1, info.Keys);
    }

    [Fact]
    public async Task Bucket_edit_with_json_prints_the_bucket_as_it_now_is()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, history: 20);

        var run = await CliRun.Async(server.Url, "--json", "bucket", "edit", bucket.Name, "--ttl", "1h", "--history", "15");

        using var json = JsonDocument.Parse(run.Ok());
        Assert.Equal(15, json.RootElement.GetProperty("history").GetInt32());
        Assert.Equal(3600, json.RootElement.GetProperty("ttlSeconds").GetDouble());
        Assert.False(json.RootElement.TryGetProperty("differences", out _));
    }

    [Fact]
    public async Task Bucket_edit_of_a_missing_bucket_exits_with_2_and_creates_nothing()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, create: false);

        var line = (await CliRun.Async(server.Url, "bucket", "edit", bucket.Name, "--history", "30")).Fails(2);

        Assert.Contains($"NATS KV bucket '{bucket.Name}' does not exist", line);
        Assert.DoesNotContain(bucket.Name, await ListBucketsAsync(bucket));
    }

    [Fact]
    public async Task Bucket_edit_without_a_setting_is_a_usage_error()
    {
        var line = (await CliRun.Async("nats://127.0.0.1:1", "bucket", "edit", "app_config")).Fails(1);

        Assert.Contains("bucket edit needs at least one setting to change", line);
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
