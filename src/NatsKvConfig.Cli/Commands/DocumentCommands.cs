using Spectre.Console;
using System.CommandLine;
using System.Text;
using NatsKvConfig.Cli.Output;

namespace NatsKvConfig.Cli.Commands;

/// <summary><c>import</c>, <c>export</c> and <c>diff</c> of appsettings.json-style documents.</summary>
internal static class DocumentCommands
{
    public static Command Import(GlobalOptions globals, CliConsole console)
    {
        var bucket = CliArguments.Bucket();
        var file = new Argument<string>("file.json") { Description = "An appsettings.json-style document; - reads standard input" };
        var prefix = CliArguments.Prefix("Import under this section (a configuration path or NATS key prefix)");
        var replace = new Option<bool>("--replace") { Description = "Delete keys under the prefix that the document does not have (default: merge)" };
        var dryRun = CliArguments.DryRun();
        var command = new Command("import", "Write a JSON document's values into the bucket, one key per configuration path") { bucket, file, prefix, replace, dryRun };
        command.SetAction((parse, ct) => CliSession.RunAsync(parse, globals, console, async (session, token) =>
        {
            var json = await session.ReadTextAsync(parse.GetValue(file)!, token).ConfigureAwait(false);
            var client = await session.ClientAsync(parse.GetValue(bucket)!, token).ConfigureAwait(false);
            var options = new NatsKvConfigImportOptions { Section = Sections.ToPath(parse.GetValue(prefix)), Replace = parse.GetValue(replace) };
            if (parse.GetValue(dryRun))
            {
                var plan = await client.PlanImportAsync(json, options, token).ConfigureAwait(false);
                return PlanOutput.Report(session, plan, dryRun: true, result: null);
            }

            using var progress = new ProgressReporter(session, "importing");
            var result = await client.ImportAsync(json, options, progress, token).ConfigureAwait(false);
            progress.Complete();
            return PlanOutput.Report(session, result.Plan, dryRun: false, result);
        }, ct));
        return command;
    }

    public static Command Diff(GlobalOptions globals, CliConsole console)
    {
        var bucket = CliArguments.Bucket();
        var file = new Argument<string>("file.json") { Description = "An appsettings.json-style document; - reads standard input" };
        var prefix = CliArguments.Prefix("Compare with this section of the bucket");
        var command = new Command("diff", "Show what importing a document would change: added, changed and (with --replace) removed keys") { bucket, file, prefix };
        command.SetAction((parse, ct) => CliSession.RunAsync(parse, globals, console, async (session, token) =>
        {
            var json = await session.ReadTextAsync(parse.GetValue(file)!, token).ConfigureAwait(false);
            var client = await session.ClientAsync(parse.GetValue(bucket)!, token).ConfigureAwait(false);
            var plan = await client.DiffAsync(json, Sections.ToPath(parse.GetValue(prefix)), token).ConfigureAwait(false);
            if (session.Json)
            {
                JsonOutput.Write(session.Console.Output, writer => JsonOutput.Plan(writer, plan, dryRun: true, lastRevision: null));
            }
            else
            {
                CollisionWarnings.Report(session, plan.Collisions);
                HumanOutput.Plan(session.Out, plan);
                session.Out.WriteLine(plan.IsEmpty ? $"no differences ({plan.Unchanged} keys equal)" : HumanOutput.Summary(plan));
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }

    public static Command Export(GlobalOptions globals, CliConsole console)
    {
        var bucket = CliArguments.Bucket();
        var prefix = CliArguments.Prefix("Export only this section");
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file (mode 0600, replaced atomically) instead of standard output", HelpName = "FILE" };
        var command = new Command("export", "Write the bucket (or a section) out as an appsettings.json-style document") { bucket, prefix, output };
        command.SetAction((parse, ct) => CliSession.RunAsync(parse, globals, console, async (session, token) =>
        {
            var client = await session.ClientAsync(parse.GetValue(bucket)!, token).ConfigureAwait(false);
            var export = await client.ExportAsync(Sections.ToPath(parse.GetValue(prefix)), token).ConfigureAwait(false);
            foreach (var key in export.SkippedKeys)
            {
                session.Console.Error.WriteLine($"warning: key '{TerminalText.Escape(key)}' left out: the provider skips it too (not a mappable key, or a value that is not UTF-8)");
            }

            foreach (var path in export.SkippedPaths)
            {
                session.Console.Error.WriteLine($"warning: path '{TerminalText.Escape(path)}' left out: JSON cannot hold a value at a path that also has children");
            }

            if (parse.GetValue(output) is { Length: > 0 } file)
            {
                WriteAtomically(file, export.Json);
                session.Console.Error.WriteLine($"exported {export.PathCount} values at revision {export.Revision} to {file}");
            }
            else
            {
                session.Console.Output.WriteLine(export.Json);
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }

    // Through the library's one writer of files that hold values: a random temporary name created exclusively with
    // mode 0600, flushed and renamed over the target, so a reader sees the old document or the new one, an existing
    // 0600 file stays 0600, and a target that is a symbolic link is replaced, never followed.
    private static void WriteAtomically(string path, string text) =>
        PrivateFile.Write(path, stream => stream.Write(new UTF8Encoding(false).GetBytes(text + "\n")));
}
