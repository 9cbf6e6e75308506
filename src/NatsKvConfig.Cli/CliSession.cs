using System.CommandLine;
using NATS.Client.Core;
using Spectre.Console;

namespace NatsKvConfig.Cli;

/// <summary>
/// One command's run: its console, output format and NATS connection (opened on first use, closed at the end),
/// and the one place failures become exit codes.
/// </summary>
internal sealed class CliSession : IAsyncDisposable
{
    private readonly ConnectionSettings _settings;
    private NatsConnection? _connection;

    private readonly string? _sentinelKey;

    private CliSession(CliConsole console, ConnectionSettings settings, bool json, string? sentinelKey)
    {
        Console = console;
        _settings = settings;
        Json = json;
        _sentinelKey = sentinelKey;
        Out = CliConsole.CreateAnsiConsole(console.Output, console.OutputIsTerminal);
        Err = CliConsole.CreateAnsiConsole(console.Error, console.ErrorIsTerminal);
    }

    public CliConsole Console { get; }

    /// <summary>Whether <c>--json</c> was given.</summary>
    public bool Json { get; }

    /// <summary>Results for people (tables, diffs).</summary>
    public IAnsiConsole Out { get; }

    /// <summary>Notes and progress for people.</summary>
    public IAnsiConsole Err { get; }

    /// <summary>Runs <paramref name="body"/> and maps whatever it throws to an exit code and one line on standard error.</summary>
    public static async Task<int> RunAsync(ParseResult parse, GlobalOptions options, CliConsole console, Func<CliSession, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        ConnectionSettings settings;
        try
        {
            settings = ConnectionSettings.From(parse, options, console);
        }
        catch (CliUsageException exception)
        {
            return ErrorReporter.Report(exception, console.Error, [], string.Empty);
        }

        var session = new CliSession(console, settings, parse.GetValue(options.Json), parse.GetValue(options.Sentinel));
        await using (session.ConfigureAwait(false))
        {
            try
            {
                return await body(session, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                return ErrorReporter.Report(exception, console.Error, settings.Secrets, settings.DisplayUrl);
            }
        }
    }

    /// <summary>A client of <paramref name="bucket"/> over this run's connection.</summary>
    public async Task<NatsKvConfigClient> ClientAsync(string bucket, CancellationToken cancellationToken)
    {
        var options = new NatsKvConfigClientOptions { Bucket = bucket, SentinelKey = _sentinelKey is { Length: > 0 } key ? NatsKvConfigKey.Parse(key).Key : null };
        if (_connection is null)
        {
            var connection = new NatsConnection(_settings.ToNatsOpts());
            try
            {
                // Connect first, so that a missing server is reported as that, not as a request timing out.
                await connection.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            _connection = connection;
        }

        return new NatsKvConfigClient(_connection, options);
    }

    /// <summary>Reads a file's text, or standard input for <c>-</c>.</summary>
    public async Task<string> ReadTextAsync(string path, CancellationToken cancellationToken)
    {
        if (path == "-")
        {
            return await Console.Input.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!File.Exists(path))
        {
            throw new CliUsageException($"the file '{path}' does not exist");
        }

        return await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
