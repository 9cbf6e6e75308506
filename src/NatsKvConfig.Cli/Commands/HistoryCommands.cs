using Spectre.Console;
using System.CommandLine;
using NatsKvConfig.Cli.Output;
using NatsKvConfig.Cli.Parsing;

namespace NatsKvConfig.Cli.Commands;

/// <summary><c>history</c>, <c>rollback</c> (one key) and <c>restore</c> (a section at a point in time).</summary>
internal static class HistoryCommands
{
    public static Command History(GlobalOptions globals, CliConsole console)
    {
        var bucket = CliArguments.Bucket();
        var key = CliArguments.Key();
        var section = new Option<bool>("--section") { Description = "The history of every key under this path, as one timeline" };
        var command = new Command("history", "Show the revisions a key (or a section) went through, oldest first") { bucket, key, section };
        command.SetAction((parse, ct) => CliSession.RunAsync(parse, globals, console, async (session, token) =>
        {
            var client = await session.ClientAsync(parse.GetValue(bucket)!, token).ConfigureAwait(false);
            var name = parse.GetValue(key)!;
            IReadOnlyList<NatsKvConfigEntry> entries;
            if (parse.GetValue(section))
            {
                entries = await client.GetSectionHistoryAsync(NatsKvConfigKey.Parse(name).Path, token).ConfigureAwait(false);
            }
            else
            {
                var resolution = await client.ResolveKeyAsync(NatsKvConfigKey.Parse(name), token).ConfigureAwait(false);
                CollisionWarnings.Report(session, resolution.HasCollision ? [resolution] : []);
                entries = await client.GetResolvedHistoryAsync(resolution, token).ConfigureAwait(false);
            }

            if (entries.Count == 0)
            {
                throw NatsKvConfigNotFoundException.KeyMissing(client.Bucket, NatsKvConfigKey.Parse(name).Key, $"'{name}' has no history in NATS KV bucket '{client.Bucket}'.");
            }

            if (session.Json)
            {
                JsonOutput.Write(session.Console.Output, writer => JsonOutput.Entries(writer, entries));
                return ExitCodes.Success;
            }

            var table = HumanOutput.Table("Revision", "Operation", "Created", "Key", "Value");
            foreach (var entry in entries)
            {
                table.AddRow(HumanOutput.Number(entry.Revision), HumanOutput.Operation(entry.Operation), HumanOutput.Cell(HumanOutput.Time(entry.Created)), HumanOutput.Cell(entry.Key), HumanOutput.Cell(HumanOutput.Shorten(entry.Value)));
            }

            session.Out.Write(HumanOutput.Trimmed(table));
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    public static Command Rollback(GlobalOptions globals, CliConsole console)
    {
        var bucket = CliArguments.Bucket();
        var key = CliArguments.Key();
        var to = new Option<ulong>("--to") { Description = "The revision whose value to restore (see history)", HelpName = "REVISION", Required = true };
        var allowDelete = new Option<bool>("--allow-delete") { Description = "Delete the key when it had no value at that revision (otherwise such a rollback is refused)" };
        var dryRun = CliArguments.DryRun();
        var command = new Command("rollback", "Set a key back to the value it had at an earlier revision (a compare-and-swap on its current revision)") { bucket, key, to, allowDelete, dryRun };
        command.SetAction((parse, ct) => CliSession.RunAsync(parse, globals, console, async (session, token) =>
        {
            var client = await session.ClientAsync(parse.GetValue(bucket)!, token).ConfigureAwait(false);
            var configKey = NatsKvConfigKey.Parse(parse.GetValue(key)!);
            var options = new NatsKvRollbackOptions { AllowDelete = parse.GetValue(allowDelete) };
            if (parse.GetValue(dryRun))
            {
                var plan = await client.PlanRollbackAsync(configKey, parse.GetValue(to), options, token).ConfigureAwait(false);
                return PlanOutput.Report(session, plan, dryRun: true, result: null);
            }

            var result = await client.RollbackAsync(configKey, parse.GetValue(to), options, token).ConfigureAwait(false);
            return PlanOutput.Report(session, result.Plan, dryRun: false, result);
        }, ct));
        return command;
    }

    public static Command Restore(GlobalOptions globals, CliConsole console)
    {
        var bucket = CliArguments.Bucket();
        var prefix = CliArguments.Prefix("The section to restore (a configuration path or NATS key prefix); \"\" for the whole bucket");
        prefix.Required = true;
        var revision = CliArguments.Revision("--revision", "Restore the state as of this bucket revision");
        var at = new Option<DateTimeOffset?>("--at")
        {
            Description = $"Restore the state as of this time: {TimePointParser.Format}",
            HelpName = "TIME",
            CustomParser = result => TimePointParser.ParseArgument(result),
        };
        var dryRun = CliArguments.DryRun();
        var command = new Command("restore", "Set every key under a prefix back to its value at a revision or time; keys created since are deleted") { bucket, prefix, revision, at, dryRun };
        command.Validators.Add(result =>
        {
            var hasRevision = result.GetResult(revision) is not null;
            var hasTime = result.GetResult(at) is not null;
            if (hasRevision == hasTime)
            {
                result.AddError("restore needs exactly one of --revision N or --at TIME");
            }
        });
        command.SetAction((parse, ct) => CliSession.RunAsync(parse, globals, console, async (session, token) =>
        {
            var client = await session.ClientAsync(parse.GetValue(bucket)!, token).ConfigureAwait(false);
            var section = Sections.ToPath(parse.GetValue(prefix));
            var point = parse.GetValue(revision) is { } r ? NatsKvHistoryPoint.AtRevision(r) : NatsKvHistoryPoint.AtTime(parse.GetValue(at)!.Value);
            if (parse.GetValue(dryRun))
            {
                var plan = await client.PlanSectionRollbackAsync(section, point, token).ConfigureAwait(false);
                return PlanOutput.Report(session, plan, dryRun: true, result: null);
            }

            using var progress = new ProgressReporter(session, "restoring");
            var result = await client.RollbackSectionAsync(section, point, progress, token).ConfigureAwait(false);
            progress.Complete();
            return PlanOutput.Report(session, result.Plan, dryRun: false, result);
        }, ct));
        return command;
    }
}
