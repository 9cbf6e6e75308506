using System.Globalization;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Docs;

/// <summary>
/// Every shell session of README.md and docs/ runs as written (<see cref="DocSession"/> says how a page marks what a
/// session assumes): each <c>nats-kv-config …</c> line as a process of the built tool, in a fresh folder, against a
/// fresh server; in a ```console block each output is compared with the lines the page shows under the command, in a
/// ```sh block each command must succeed. A session a test cannot run as written says why on its page.
/// </summary>
/// <remarks>
/// Only what must vary is normalized: <c>NATS_URL</c> points at the test's server, times match any time, trailing
/// spaces and blank lines (a table's padding) are ignored. Standard error comes before standard output, as the pages
/// show notes, warnings and errors.
/// </remarks>
public sealed class DocSessionTests
{
    private const string Tool = "nats-kv-config";

    public static TheoryData<string> Runs()
    {
        var data = new TheoryData<string>();
        foreach (var run in RunsOf(DocSession.All(RepositoryRoot())))
        {
            data.Add(run[0].Location);
        }

        return data;
    }

    [Fact]
    public void Every_session_is_run_or_says_why_not()
    {
        var sessions = DocSession.All(RepositoryRoot());
        var problems = new List<string>();
        DocSession? previous = null;
        foreach (var session in sessions)
        {
            if (session.NotRunReason is { } reason)
            {
                if (reason.Length < 10)
                {
                    problems.Add($"{session.Location}: 'session not run' gives no reason");
                }
            }
            else
            {
                problems.AddRange(session.Steps
                    .Where(step => !IsRunnable(step.Command))
                    .Select(step => $"{session.Location}: '{step.Command}' is not a command the runner runs ({Tool}, export NAME=value, echo $?): mark the session '<!-- session not run: why -->'"));
                if (session.Continues && (previous is null || previous.File != session.File || previous.NotRunReason is not null))
                {
                    problems.Add($"{session.Location}: 'session continues' follows no session run on the same page");
                }
            }

            previous = session;
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.True(sessions.Count(s => s.NotRunReason is null) >= 10, "the pages' sessions were found and most are run");
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task The_session_runs_as_written_with_the_output_it_shows(string location)
    {
        var run = RunsOf(DocSession.All(RepositoryRoot())).Single(r => r[0].Location == location);
        var directory = Directory.CreateTempSubdirectory("nkc-doc-").FullName;
        try
        {
            await using var servers = run.Any(s => s.NeedsCluster) ? (IAsyncDisposable)await NatsCluster.StartAsync(3) : await NatsServer.StartAsync();
            var url = servers is NatsCluster cluster ? cluster.Url : ((NatsServer)servers).Url;
            var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["NATS_URL"] = url };
            var lastExitCode = 0;
            foreach (var session in run)
            {
                await PrepareAsync(session, url, directory);
                foreach (var step in session.Steps)
                {
                    var (code, output) = await RunAsync(step.Command, environment, directory, url, lastExitCode);
                    lastExitCode = code;
                    if (session.ShowsOutput)
                    {
                        var expected = DocSession.Normalize(step.Expected);
                        var actual = DocSession.Normalize(output);
                        Assert.True(expected == actual, $"{session.Location}: $ {step.Command}\n--- the page shows:\n{expected}\n--- the tool printed:\n{actual}");
                    }
                    else
                    {
                        Assert.True(code == 0, $"{session.Location}: '{step.Command}' exited {code}:\n{output}");
                    }
                }
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Sessions in runs: one a page starts fresh, with the sessions that continue it.</summary>
    private static List<List<DocSession>> RunsOf(List<DocSession> sessions)
    {
        var runs = new List<List<DocSession>>();
        foreach (var session in sessions.Where(s => s.NotRunReason is null))
        {
            if (session.Continues && runs.Count > 0 && runs[^1][^1].File == session.File)
            {
                runs[^1].Add(session);
            }
            else
            {
                runs.Add([session]);
            }
        }

        return runs;
    }

    private static bool IsRunnable(string command) =>
        command.StartsWith(Tool + " ", StringComparison.Ordinal) || command.StartsWith("export ", StringComparison.Ordinal) || command == "echo $?";

    /// <summary>The buckets and files the session says the page assumes.</summary>
    private static async Task PrepareAsync(DocSession session, string url, string directory)
    {
        foreach (var (name, text) in session.Files)
        {
            File.WriteAllText(Path.Combine(directory, name), text);
        }

        if (!session.Buckets.Any())
        {
            return;
        }

        await using var connection = new NatsConnection(new NatsOpts { Url = url });
        var kv = new NatsKVContext(new NatsJSContext(connection));
        foreach (var (bucket, keysJson) in session.Buckets)
        {
            var store = await Stores.CreateAsync(kv, new NatsKVConfig(bucket) { History = 20 });
            using var keys = JsonDocument.Parse(keysJson);
            foreach (var key in keys.RootElement.EnumerateObject())
            {
                await store.PutAsync(key.Name, key.Value.ValueKind == JsonValueKind.String ? key.Value.GetString()! : key.Value.GetRawText());
            }
        }
    }

    /// <summary>One command, as the shell would run it: its exit code, and standard error followed by standard output.</summary>
    private static async Task<(int Code, string Output)> RunAsync(string command, Dictionary<string, string> environment, string directory, string url, int lastExitCode)
    {
        if (command.StartsWith("export ", StringComparison.Ordinal))
        {
            var assignment = command["export ".Length..].Trim();
            var at = assignment.IndexOf('=', StringComparison.Ordinal);
            Assert.True(at > 0, $"not export NAME=VALUE: {command}");
            var name = assignment[..at];
            environment[name] = name == "NATS_URL" ? url : assignment[(at + 1)..];
            return (0, string.Empty);
        }

        if (command == "echo $?")
        {
            return (0, lastExitCode.ToString(CultureInfo.InvariantCulture));
        }

        var words = DocSession.ShellWords(command);
        Assert.True(words.Count > 0 && words[0] == Tool, $"the runner runs only {Tool}, export and echo $?; not: {command}");
        var result = await ToolProcess.RunAsync(words.Skip(1), environment, directory);
        return (result.Code, result.Err + result.Out);
    }

    private static string RepositoryRoot() => Path.GetDirectoryName(RepositoryFiles.Find("README.md"))!;
}
