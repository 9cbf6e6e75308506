using System.Diagnostics;
using System.Text;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Samples;

/// <summary>The samples run against a bucket of yours: they never change its settings, and their demos never write to it.</summary>
public class SampleBucketTests
{
    [Fact]
    public async Task The_feature_flags_sample_leaves_an_existing_buckets_history_as_it_is()
    {
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true, ServerName = "flags-bucket" });
        await using var bucket = await TestBucket.CreateAsync(server.Url, name: "app_config", history: 20);

        var (code, output) = await RunAsync(
            Path.Combine("samples", "FeatureFlags"),
            "FeatureFlags.dll",
            ["put", "features.new_checkout", """{"enabled": false}"""],
            server.Url,
            until: null);

        Assert.Equal(0, code);
        Assert.Contains("left as it is: History 20, not the sample's 10", output);
        var status = await (await bucket.Kv.GetStoreAsync("app_config")).GetStatusAsync();
        Assert.Equal(20, status.Info.Config.MaxMsgsPerSubject);
    }

    [Fact]
    public async Task The_quickstart_watching_your_server_leaves_an_existing_buckets_history_as_it_is()
    {
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true, ServerName = "quickstart-bucket" });
        await using var bucket = await TestBucket.CreateAsync(server.Url, name: "app_config", history: 20);
        await bucket.PutAsync("database.host", "mine");

        var (_, output) = await RunAsync(Path.Combine("samples", "Quickstart"), "Quickstart.dll", [], server.Url, until: "Watching bucket");

        Assert.Contains("left as it is: History 20, not the quickstart's 10", output);
        var status = await (await bucket.Kv.GetStoreAsync("app_config")).GetStatusAsync();
        Assert.Equal(20, status.Info.Config.MaxMsgsPerSubject);
        Assert.Equal("mine", (await bucket.ReadAllAsync())["database.host"]);
    }

    [Fact]
    public async Task The_quickstart_demo_runs_on_a_server_of_its_own_even_with_NATS_URL_set()
    {
        await using var server = await NatsServer.StartAsync(new NatsServerOptions { ForceLocalProcess = true, ServerName = "quickstart-demo" });
        await using var bucket = await TestBucket.CreateAsync(server.Url, name: "app_config", history: 20);
        var revision = await bucket.PutAsync("database.host", "mine");

        var (code, output) = await RunAsync(Path.Combine("samples", "Quickstart"), "Quickstart.dll", ["--demo"], server.Url, until: null);

        Assert.True(code == 0, output);
        Assert.Contains("Started a local nats-server", output);
        var status = await (await bucket.Kv.GetStoreAsync("app_config")).GetStatusAsync();
        Assert.Equal(revision, status.Info.State.LastSeq); // nothing written to the server NATS_URL names
    }

    /// <summary>
    /// Runs a sample with <c>NATS_URL</c> set and waits for it to exit, or, with <paramref name="until"/>, until it
    /// prints that (then stops it). Returns the exit code (-1 when stopped) and everything it printed.
    /// </summary>
    private static async Task<(int Code, string Output)> RunAsync(string project, string assembly, string[] args, string natsUrl, string? until)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(BuiltPrograms.Find(project, assembly));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NATS_URL"] = natsUrl;
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Collect(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            if (until is not null && line.Contains(until, StringComparison.Ordinal))
            {
                seen.TrySetResult();
            }
        }

        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            if (until is null)
            {
                await process.WaitForExitAsync(timeout.Token);
                return (process.ExitCode, Text());
            }

            await seen.Task.WaitAsync(timeout.Token);
            return (-1, Text());
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{assembly} did not {(until is null ? "exit" : $"print '{until}'")} within 90 s: {Text()}");
            throw;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }

        string Text()
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }
}
