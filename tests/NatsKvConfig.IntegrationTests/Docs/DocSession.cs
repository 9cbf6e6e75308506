using System.Text;
using System.Text.RegularExpressions;

namespace NatsKvConfig.IntegrationTests.Docs;

/// <summary>
/// One shell session a page shows: a ```sh or ```console block of README.md or docs/, with what the page says about
/// running it in HTML comments right above its fence:
/// <list type="bullet">
/// <item><c>&lt;!-- session not run: why --&gt;</c>: a session a test cannot run as written (it installs tools, or
/// starts what another test drives); the reason is required.</item>
/// <item><c>&lt;!-- session continues --&gt;</c>: the reader goes on from the page's previous session (same server,
/// same folder, same variables).</item>
/// <item><c>&lt;!-- session bucket NAME: {"key":"value",…} --&gt;</c>: the bucket the page assumes, with these keys
/// written in this order (by NATS.Net, as another client would).</item>
/// <item><c>&lt;!-- session file NAME: text --&gt;</c>, or without text the page's last ```json block above: a file
/// the session reads from its folder.</item>
/// <item><c>&lt;!-- session cluster --&gt;</c>: the session needs a three-node cluster (replicas 3).</item>
/// </list>
/// A ```console block shows its commands after <c>$ </c> and their output under them; a ```sh block shows commands,
/// each of which must succeed.
/// </summary>
internal sealed partial record DocSession(
    string File, int Line, bool ShowsOutput, IReadOnlyList<DocSessionStep> Steps, IReadOnlyList<string> Markers, string? LastJsonAbove)
{
    public string Location => $"{File}:{Line}";

    public string? NotRunReason => Marker("not run:") is { } reason ? reason : null;

    public bool Continues => Markers.Contains("continues");

    public bool NeedsCluster => Markers.Contains("cluster");

    /// <summary>The buckets the page assumes, each with the keys and values written in order.</summary>
    public IEnumerable<(string Bucket, string KeysJson)> Buckets =>
        Markers.Where(m => m.StartsWith("bucket ", StringComparison.Ordinal))
            .Select(m => m["bucket ".Length..])
            .Select(m => (m[..m.IndexOf(':', StringComparison.Ordinal)].Trim(), m[(m.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()));

    /// <summary>The files the session reads, each with its text.</summary>
    public IEnumerable<(string Name, string Text)> Files =>
        Markers.Where(m => m.StartsWith("file ", StringComparison.Ordinal))
            .Select(m => m["file ".Length..])
            .Select(m => m.IndexOf(':', StringComparison.Ordinal) is var at and >= 0
                ? (m[..at].Trim(), m[(at + 1)..].Trim())
                : (m.Trim(), LastJsonAbove ?? throw new InvalidOperationException($"{File}:{Line}: 'session file {m}' names no text and no ```json block is above it")));

    private string? Marker(string prefix) =>
        Markers.FirstOrDefault(m => m.StartsWith(prefix, StringComparison.Ordinal)) is { } marker ? marker[prefix.Length..].Trim() : null;

    /// <summary>Every shell session of the repository's README.md and docs/*.md, in reading order.</summary>
    public static List<DocSession> All(string root)
    {
        var pages = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal));
        var sessions = new List<DocSession>();
        foreach (var page in pages)
        {
            var lines = System.IO.File.ReadAllLines(page);
            string? lastJson = null;
            for (var i = 0; i < lines.Length; i++)
            {
                var fence = Fence().Match(lines[i]);
                if (!fence.Success)
                {
                    continue;
                }

                var end = Array.FindIndex(lines, i + 1, line => line.StartsWith("```", StringComparison.Ordinal));
                var body = lines[(i + 1)..end];
                var language = fence.Groups["language"].Value;
                if (language == "json")
                {
                    lastJson = string.Join('\n', body) + "\n";
                }
                else if (language is "sh" or "bash" or "console" or "shell")
                {
                    var markers = new List<string>();
                    for (var above = i - 1; above >= 0 && MarkerComment().Match(lines[above]) is { Success: true } marker; above--)
                    {
                        markers.Insert(0, marker.Groups["text"].Value.Trim());
                    }

                    var showsOutput = language == "console";
                    sessions.Add(new DocSession(Path.GetRelativePath(root, page), i + 1, showsOutput, Parse(body, showsOutput), markers, lastJson));
                }

                i = end;
            }
        }

        return sessions;
    }

    private static List<DocSessionStep> Parse(string[] body, bool showsOutput)
    {
        var steps = new List<(string Command, StringBuilder Expected)>();
        var pending = string.Empty;
        foreach (var line in body)
        {
            if (showsOutput && !line.StartsWith("$ ", StringComparison.Ordinal) && pending.Length == 0)
            {
                if (steps.Count == 0)
                {
                    throw new InvalidOperationException($"output before the first command: {line}");
                }

                steps[^1].Expected.Append(line).Append('\n');
                continue;
            }

            var command = showsOutput && pending.Length == 0 ? line[2..] : line;
            if (command.TrimEnd().EndsWith('\\'))
            {
                pending += command.TrimEnd()[..^1] + " ";
                continue;
            }

            command = (pending + command).Trim();
            pending = string.Empty;
            if (command.Length > 0 && !command.StartsWith('#'))
            {
                steps.Add((command, new StringBuilder()));
            }
        }

        return [.. steps.Select(step => new DocSessionStep(step.Command, step.Expected.ToString()))];
    }

    /// <summary>A command line split as a POSIX shell splits it: quotes, and a <c>#</c> comment to the end of the line.</summary>
    public static List<string> ShellWords(string line)
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

        if (quote is not null)
        {
            throw new InvalidOperationException($"unbalanced quote in: {line}");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    /// <summary>
    /// The lines of an output without trailing spaces, blank lines (a table's padding) and times (which differ from
    /// run to run; a table's column keeps its width).
    /// </summary>
    public static string Normalize(string output) =>
        string.Join('\n', output.ReplaceLineEndings("\n").Split('\n')
            .Select(line => Time().Replace(line.TrimEnd(), "<time>"))
            .Where(line => line.Length > 0));

    [GeneratedRegex(@"^```(?<language>[a-z]+)\s*$")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^<!-- session (?<text>.*) -->\s*$")]
    private static partial Regex MarkerComment();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?Z")]
    private static partial Regex Time();
}

/// <summary>One command of a session, with the output the page shows under it (empty in a ```sh block).</summary>
internal sealed record DocSessionStep(string Command, string Expected);
