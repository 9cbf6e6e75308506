using Spectre.Console;
using System.CommandLine;
using NatsKvConfig.Cli.Output;

namespace NatsKvConfig.Cli.Commands;

/// <summary><c>put</c>, <c>get</c>, <c>ls</c> and <c>del</c>.</summary>
internal static class KeyCommands
{
    public static Command Put(GlobalOptions globals, CliConsole console)
    {
        var bucket = CliArguments.Bucket();
        var key = CliArguments.Key();
        var value = new Argument<string>("value") { Description = "The value; - reads it from standard input" };
        var expect = CliArguments.Revision("--expect-revision", "Write only if the key is at this revision (compare-and-swap); 0: only if the key has no value");
        var command = new Command("put", "Write a value") { bucket, key, value, expect };
        command.SetAction((parse, ct) => CliSession.RunAsync(parse, globals, console, async (session, token) =>
        {
            var text = parse.GetValue(value)!;
            if (text == "-")
            {
                text = await session.Console.Input.ReadToEndAsync(token).ConfigureAwait(false);
            }

            var configKey = NatsKvConfigKey.Parse(parse.GetValue(key)!);
            var client = await session.ClientAsync(parse.GetValue(bucket)!, token).ConfigureAwait(false);
            var resolution = await client.ResolveKeyAsync(configKey, token).ConfigureAwait(false);
            var revision = parse.GetValue(expect) switch
            {
                null => await client.PutResolvedAsync(resolution, text, token).ConfigureAwait(false),
                0 => await client.CreateResolvedAsync(resolution, text, token).ConfigureAwait(false),
                { } expected => await client.UpdateResolvedAsync(resolution, text, expected, token).ConfigureAwait(false),
            };
            // What apps will make of it: a value meant as JSON that they keep as one string is worth saying.
            var unexpanded = client.DescribeUnexpandedJson(resolution.Key.Path, text) is { } why
                ? $"the value of '{resolution.Key.Path}' was written, but {why}"
                : null;
            if (session.Json)
            {
                JsonOutput.Write(session.Console.Output, writer => JsonOutput.Written(writer, client.Bucket, resolution, "put", revision, unexpanded is null ? null : [unexpanded]));
            }
            else
            {
                CollisionWarnings.Report(session, resolution.HasCollision ? [resolution] : []);
                if (unexpanded is not null)
                {
                    session.Err.Write(new Text($"warning: {unexpanded}\n", new Style(Color.Yellow)));
                }

                session.Out.WriteLine($"{resolution.Key.Key} revision {revision}");
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }

    public static Command Get(GlobalOptions globals, CliConsole console)
    {
        var bucket = CliArguments.Bucket();
        var key = CliArguments.Key();
        var revision = CliArguments.Revision("--revision", "The value at this revision (from the key's history)");
        var raw = new Option<bool>("--raw") { Description = "Print only the value, as it is" };
        var command = new Command("get", "Show a key's value, revision and creation time") { bucket, key, revision, raw };
        command.SetAction((parse, ct) => CliSession.RunAsync(parse, globals, console, async (session, token) =>
        {
            var configKey = NatsKvConfigKey.Parse(parse.GetValue(key)!);
            var client = await session.ClientAsync(parse.GetValue(bucket)!, token).ConfigureAwait(false);
            var resolution = await client.ResolveKeyAsync(configKey, token).ConfigureAwait(false);
            var entry = parse.GetValue(revision) is { } at
                ? await client.GetRevisionAsync(resolution.Key, at, token).ConfigureAwait(false)
                    ?? throw NatsKvConfigNotFoundException.RevisionMissing(client.Bucket, resolution.Key.Key, at, $"Key '{resolution.Key.Key}' has no revision {at} in NATS KV bucket '{client.Bucket}' (see its history).")
                : resolution.Entry is { Operation: NatsKvConfigOperation.Put } live
                    ? live
                    : throw NatsKvConfigNotFoundException.KeyMissing(client.Bucket, configKey.Key, $"Key '{configKey.Key}' has no value in NATS KV bucket '{client.Bucket}'.");
            CollisionWarnings.Report(session, resolution.HasCollision ? [resolution] : []);
            if (session.Json)
            {
                JsonOutput.Write(session.Console.Output, writer => JsonOutput.Entry(writer, client.Bucket, entry, resolution));
            }
            else if (parse.GetValue(raw))
            {
                session.Console.Output.Write(entry.Value);
                if (session.Console.OutputIsTerminal)
                {
                    session.Console.Output.WriteLine();
                }
            }
            else
            {
                var path = entry.Path is { } p && p != entry.Key ? $" ({p})" : string.Empty;
                session.Out.Write(new Text(
                    $"{entry.Key}{path} revision {entry.Revision}, {JsonOutput.Operation(entry.Operation)} {HumanOutput.Time(entry.Created)}\n",
                    new Style(Color.Grey)));
                session.Console.Output.WriteLine(TerminalText.Escape(entry.Value ?? string.Empty)); // unwrapped, unlike Spectre's text
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }

    public static Command List(GlobalOptions globals, CliConsole console)
    {
        var bucket = CliArguments.Bucket();
        var prefix = CliArguments.Prefix("Only keys under this section");
        var command = new Command("ls", "List the keys that hold a value, with revision, time and value") { bucket, prefix };
        command.SetAction((parse, ct) => CliSession.RunAsync(parse, globals, console, async (session, token) =>
        {
            var client = await session.ClientAsync(parse.GetValue(bucket)!, token).ConfigureAwait(false);
            var entries = await client.ListAsync(Sections.ToPath(parse.GetValue(prefix)), token).ConfigureAwait(false);
            if (session.Json)
            {
                JsonOutput.Write(session.Console.Output, writer => JsonOutput.Entries(writer, entries));
                return ExitCodes.Success;
            }

            if (entries.Count == 0)
            {
                session.Console.Error.WriteLine("no keys");
                return ExitCodes.Success;
            }

            var table = HumanOutput.Table("Key", "Revision", "Created", "Value");
            foreach (var entry in entries)
            {
                table.AddRow(HumanOutput.Cell(entry.Key), HumanOutput.Number(entry.Revision), HumanOutput.Cell(HumanOutput.Time(entry.Created)), HumanOutput.Cell(HumanOutput.Shorten(entry.Value)));
            }

            session.Out.Write(HumanOutput.Trimmed(table));
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    public static Command Delete(GlobalOptions globals, CliConsole console)
    {
        var bucket = CliArguments.Bucket();
        var key = CliArguments.Key();
        var expect = CliArguments.Revision("--expect-revision", "Delete only if the key is at this revision (compare-and-swap)");
        var purge = new Option<bool>("--purge") { Description = "Also remove the key's history (it can no longer be rolled back)" };
        var command = new Command("del", "Delete a key (its history stays, for rollback)") { bucket, key, expect, purge };
        command.Aliases.Add("rm");
        command.SetAction((parse, ct) => CliSession.RunAsync(parse, globals, console, async (session, token) =>
        {
            var configKey = NatsKvConfigKey.Parse(parse.GetValue(key)!);
            var client = await session.ClientAsync(parse.GetValue(bucket)!, token).ConfigureAwait(false);
            var resolution = await client.ResolveKeyAsync(configKey, token).ConfigureAwait(false);
            ulong? revision = parse.GetValue(purge)
                ? await client.PurgeResolvedAsync(resolution, parse.GetValue(expect), token).ConfigureAwait(false)
                : await client.DeleteResolvedAsync(resolution, parse.GetValue(expect), token).ConfigureAwait(false);
            if (revision is null)
            {
                throw NatsKvConfigNotFoundException.KeyMissing(client.Bucket, configKey.Key, $"Key '{configKey.Key}' has no value in NATS KV bucket '{client.Bucket}': nothing to delete.");
            }

            if (session.Json)
            {
                JsonOutput.Write(session.Console.Output, writer => JsonOutput.Written(writer, client.Bucket, resolution, parse.GetValue(purge) ? "purge" : "delete", revision.Value));
            }
            else
            {
                CollisionWarnings.Report(session, resolution.HasCollision ? [resolution] : []);
                session.Out.WriteLine($"{resolution.Key.Key} {(parse.GetValue(purge) ? "purged" : "deleted")} at revision {revision}");
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
