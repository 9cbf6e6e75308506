using System.Text.Json;
using NatsKvConfig.Cli;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Cli;

public class WatchCommandTests
{
    [Fact]
    public async Task Watch_prints_each_change_under_the_prefix_until_cancelled_then_exits_with_0()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var output = new SynchronizedWriter();
        using var stop = new CancellationTokenSource();
        var watching = RunAsync(server.Url, output, stop.Token, "watch", bucket.Name, "--prefix", "db");

        // The watch starts asynchronously: write until it has seen a write.
        var attempt = 0;
        await Eventually.TrueAsync(
            async () =>
            {
                await bucket.PutAsync("db.host", $"h{++attempt}");
                return output.Text.Contains("db.host", StringComparison.Ordinal);
            },
            "the watch printed a change");
        await bucket.PutAsync("other", "not under the prefix");
        await bucket.DeleteAsync("db.host");
        await Eventually.TrueAsync(() => output.Text.Contains(" delete db.host", StringComparison.Ordinal), "the watch printed the delete");
        await stop.CancelAsync();

        Assert.Equal(ExitCodes.Success, await watching.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Matches(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ put db\.host revision \d+: h\d+", output.Text);
        Assert.DoesNotContain("other", output.Text);
    }

    [Fact]
    public async Task Watch_with_json_prints_one_json_object_per_line()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url);
        var output = new SynchronizedWriter();
        using var stop = new CancellationTokenSource();
        var watching = RunAsync(server.Url, output, stop.Token, "--json", "watch", bucket.Name);

        await Eventually.TrueAsync(
            async () =>
            {
                await bucket.PutAsync("a", "1");
                return output.Text.Contains('\n', StringComparison.Ordinal);
            },
            "the watch printed a line");
        await stop.CancelAsync();
        await watching.WaitAsync(TimeSpan.FromSeconds(15));

        var lines = output.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line =>
        {
            using var json = JsonDocument.Parse(line);
            Assert.Equal("a", json.RootElement.GetProperty("key").GetString());
            Assert.Equal("1", json.RootElement.GetProperty("value").GetString());
        });
    }

    [Fact]
    public async Task Watch_of_a_missing_bucket_exits_with_2()
    {
        var server = await SharedNatsServer.GetAsync();

        (await CliRun.Async(server.Url, "watch", "no_such_bucket_watch")).Fails(2);
    }

    private static Task<int> RunAsync(string url, SynchronizedWriter output, CancellationToken cancellationToken, params string[] args)
    {
        var console = new CliConsole(output, new StringWriter(), new StringReader(string.Empty), name => name == "NATS_URL" ? url : null);
        return Task.Run(() => CliApplication.RunAsync(args, console, handleTermination: false, cancellationToken));
    }

    /// <summary>A writer the watch writes to while the test reads it.</summary>
    private sealed class SynchronizedWriter : StringWriter
    {
        private readonly object _gate = new();

        public string Text
        {
            get
            {
                lock (_gate)
                {
                    return ToString();
                }
            }
        }

        public override void Write(char value)
        {
            lock (_gate)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_gate)
            {
                base.Write(value);
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (_gate)
            {
                base.Write(buffer, index, count);
            }
        }
    }
}
