using System.CommandLine;
using NatsKvConfig.Cli.Output;
using Spectre.Console;

namespace NatsKvConfig.Cli.Commands;

/// <summary><c>watch</c>: print changes as they happen, until Ctrl+C.</summary>
internal static class WatchCommand
{
    public static Command Create(GlobalOptions globals, CliConsole console)
    {
        var bucket = CliArguments.Bucket();
        var prefix = CliArguments.Prefix("Only changes under this section");
        var command = new Command("watch", "Print every change to the bucket (or a section) as it happens, until Ctrl+C") { bucket, prefix };
        command.SetAction((parse, ct) => CliSession.RunAsync(parse, globals, console, async (session, token) =>
        {
            var client = await session.ClientAsync(parse.GetValue(bucket)!, token).ConfigureAwait(false);
            var section = Sections.ToPath(parse.GetValue(prefix));

            // Fails now, with exit code 2, when the bucket does not exist, rather than watching nothing.
            await client.GetBucketInfoAsync(token).ConfigureAwait(false);
            if (!session.Json)
            {
                session.Console.Error.WriteLine($"watching {client.Bucket}{(section is null ? string.Empty : $" under {section}")}; Ctrl+C to stop");
            }

            try
            {
                await foreach (var entry in client.WatchAsync(section, token).ConfigureAwait(false))
                {
                    if (session.Json)
                    {
                        JsonOutput.Write(session.Console.Output, writer => JsonOutput.Entry(writer, client.Bucket, entry), indented: false);
                    }
                    else
                    {
                        session.Out.Write(new Text($"{HumanOutput.Time(entry.Created)} ", new Style(Color.Grey)));
                        session.Out.Write(HumanOutput.Operation(entry.Operation));
                        session.Out.Write(new Text($" {entry.Key} revision {entry.Revision}{(entry.Value is null ? string.Empty : $": {HumanOutput.Shorten(entry.Value)}")}\n"));
                    }

                    await session.Console.Output.FlushAsync(token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Ctrl+C: the way a watch ends.
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
