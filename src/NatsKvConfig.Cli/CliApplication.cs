using System.CommandLine;
using System.CommandLine.Parsing;
using NatsKvConfig.Cli.Commands;

namespace NatsKvConfig.Cli;

/// <summary>
/// <c>nats-kv-config</c>: the command tree, in the <c>nats kv</c> CLI's argument order
/// (<c>put &lt;bucket&gt; &lt;key&gt; &lt;value&gt;</c>). docs/cli.md documents every command.
/// </summary>
internal static class CliApplication
{
    public static RootCommand Create(CliConsole console)
    {
        var globals = new GlobalOptions();
        var root = new RootCommand("Manage .NET configuration stored in NATS JetStream KV buckets: write, history, compare-and-swap, rollback, import and export.");
        globals.AddTo(root);
        root.Subcommands.Add(BucketCommands.Create(globals, console));
        root.Subcommands.Add(KeyCommands.Put(globals, console));
        root.Subcommands.Add(KeyCommands.Get(globals, console));
        root.Subcommands.Add(KeyCommands.List(globals, console));
        root.Subcommands.Add(KeyCommands.Delete(globals, console));
        root.Subcommands.Add(HistoryCommands.History(globals, console));
        root.Subcommands.Add(HistoryCommands.Rollback(globals, console));
        root.Subcommands.Add(DocumentCommands.Import(globals, console));
        root.Subcommands.Add(DocumentCommands.Export(globals, console));
        root.Subcommands.Add(DocumentCommands.Diff(globals, console));
        root.Subcommands.Add(HistoryCommands.Restore(globals, console));
        root.Subcommands.Add(WatchCommand.Create(globals, console));
        return root;
    }

    /// <summary>Runs the tool: 0 success, 1 usage or other error, 2 not found, 3 revision conflict.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="console">Where to read and write.</param>
    /// <param name="handleTermination">Whether Ctrl+C and SIGTERM cancel the command (the process only: not in tests).</param>
    /// <param name="cancellationToken">Stops the command (tests; the process uses Ctrl+C).</param>
    public static async Task<int> RunAsync(string[] args, CliConsole console, bool handleTermination = true, CancellationToken cancellationToken = default)
    {
        var parse = Create(console).Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line, not the help page: the help is one --help away.
            var messages = string.Join("; ", parse.Errors.Select(e => e.Message.ReplaceLineEndings(" ").Trim().TrimEnd('.')));
            await console.Error.WriteLineAsync($"error: {messages} (see '{CommandPath(parse.CommandResult)} --help')").ConfigureAwait(false);
            return ExitCodes.Error;
        }

        var invocation = new InvocationConfiguration
        {
            Output = console.Output,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = handleTermination ? TimeSpan.FromSeconds(2) : null,
        };
        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await console.Output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? result = command; result is CommandResult current; result = current.Parent)
        {
            names.Add(current.Command is RootCommand ? "nats-kv-config" : current.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
