using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NatsKvConfig.IntegrationTests.Infrastructure;
using NatsKvConfig.Testing;

namespace NatsKvConfig.IntegrationTests.Cli;

/// <summary>
/// docs/cli.md's "A first session", run exactly as written: each <c>$ nats-kv-config …</c> line as a process of the
/// built tool, in a folder holding the <c>appsettings.json</c> the page shows, against a fresh server; each output
/// compared with the lines the page shows under the command.
/// </summary>
/// <remarks>
/// Only what must vary is normalized: <c>NATS_URL</c> points at the test's server, times (<c>2026-11-26 22:08:19Z</c>)
/// match any time, trailing spaces and blank lines (a table's padding) are ignored. Standard error comes
/// before standard output, as the page shows notes, warnings and errors.
/// </remarks>
public sealed partial class FirstSessionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nkc-first-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_first_session_of_the_cli_guide_runs_as_written_with_the_output_it_shows()
    {
        var section = Section(File.ReadAllText(RepositoryFiles.Find(Path.Combine("docs", "cli.md"))), "## A first session");
        File.WriteAllText(Path.Combine(_directory, "appsettings.json"), FencedBlock(section, "json"));
        var steps = Steps(FencedBlock(section, "console"));
        await using var server = await NatsServer.StartAsync();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var lastExitCode = 0;

        foreach (var (command, expected) in steps)
        {
            string actual;
            if (command.StartsWith("export ", StringComparison.Ordinal))
            {
                var (name, value) = Split(command["export ".Length..].Trim(), '=');
                environment[name] = name == "NATS_URL" ? server.Url : value;
                actual = string.Empty;
            }
            else if (command == "echo $?")
            {
                actual = lastExitCode.ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                var words = ShellWords(command);
                Assert.True(words.Count > 0 && words[0] == "nats-kv-config", $"the session runs only nats-kv-config, export and echo $?; not: {command}");
                var run = await ToolProcess.RunAsync(words.Skip(1), environment, _directory);
                lastExitCode = run.Code;
                actual = run.Err + run.Out;
            }

            Assert.True(Normalize(expected) == Normalize(actual), $"$ {command}\n--- docs/cli.md shows:\n{Normalize(expected)}\n--- the tool printed:\n{Normalize(actual)}");
        }

        Assert.Contains(steps, step => step.Command.Contains("rollback", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(_directory, "appsettings.live.json")), "the session's export wrote its file");
    }

    /// <summary>The text of a level-2 section, from its heading to the next.</summary>
    private static string Section(string markdown, string heading)
    {
        var start = markdown.IndexOf(heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/cli.md has no '{heading}'");
        var end = markdown.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        return end < 0 ? markdown[start..] : markdown[start..end];
    }

    /// <summary>The first fenced block of <paramref name="language"/> in <paramref name="markdown"/>.</summary>
    private static string FencedBlock(string markdown, string language)
    {
        var open = "```" + language + "\n";
        var start = markdown.IndexOf(open, StringComparison.Ordinal);
        Assert.True(start >= 0, $"the section has no ```{language} block");
        start += open.Length;
        var end = markdown.IndexOf("```", start, StringComparison.Ordinal);
        return markdown[start..end];
    }

    /// <summary>The session's commands (the lines starting with <c>$ </c>), each with the lines shown under it.</summary>
    private static List<(string Command, string Expected)> Steps(string session)
    {
        var steps = new List<(string Command, StringBuilder Expected)>();
        foreach (var line in session.Split('\n'))
        {
            if (line.StartsWith("$ ", StringComparison.Ordinal))
            {
                steps.Add((line[2..], new StringBuilder()));
            }
            else
            {
                Assert.True(steps.Count > 0, $"output before the first command: {line}");
                steps[^1].Expected.Append(line).Append('\n');
            }
        }

        return [.. steps.Select(step => (step.Command, step.Expected.ToString()))];
    }

    /// <summary>A command line split as a POSIX shell splits it: quotes, and a <c>#</c> comment to the end of the line.</summary>
    private static List<string> ShellWords(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in line)
        {
            if (quote is { } q)
            {
                if (c == q)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else if (c == '#' && !inWord)
            {
                break;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        Assert.True(quote is null, $"unbalanced quote in: {line}");
        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static (string Name, string Value) Split(string assignment, char separator)
    {
        var at = assignment.IndexOf(separator, StringComparison.Ordinal);
        Assert.True(at > 0, $"not NAME=VALUE: {assignment}");
        return (assignment[..at], assignment[(at + 1)..]);
    }

    /// <summary>The lines of an output without trailing spaces, blank lines (a table's padding) and times.</summary>
    private static string Normalize(string output) =>
        string.Join('\n', output.ReplaceLineEndings("\n").Split('\n')
            .Select(line => Time().Replace(line.TrimEnd(), "<time>"))
            .Where(line => line.Length > 0));

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z")]
    private static partial Regex Time();
}
