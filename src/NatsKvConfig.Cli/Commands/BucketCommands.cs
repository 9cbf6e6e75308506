using Spectre.Console;
using System.CommandLine;
using NatsKvConfig.Cli.Output;
using NatsKvConfig.Cli.Parsing;

namespace NatsKvConfig.Cli.Commands;

/// <summary><c>bucket add</c> and <c>bucket info</c>.</summary>
internal static class BucketCommands
{
    public static Command Create(GlobalOptions globals, CliConsole console)
    {
        var bucket = new Command("bucket", "Create and inspect configuration buckets");
        bucket.Subcommands.Add(Add(globals, console));
        bucket.Subcommands.Add(Info(globals, console));
        return bucket;
    }

    private static Command Add(GlobalOptions globals, CliConsole console)
    {
        var name = CliArguments.Bucket();
        var history = new Option<int?>("--history") { Description = $"Values kept per key, 1–{NatsKvBucketSettings.MaxHistory} (default 10): how far back rollback reaches", HelpName = "N" };
        var ttl = new Option<TimeSpan?>("--ttl")
        {
            Description = "How long entries live (0 for ever, the default)",
            HelpName = "DURATION",
            CustomParser = result => DurationParser.ParseArgument(result, allowZero: true),
        };
        var replicas = new Option<int?>("--replicas") { Description = "Copies kept in a JetStream cluster, 1–5 (default 1; 3 in production)", HelpName = "N" };
        var maxBytes = new Option<long?>("--max-bytes")
        {
            Description = "Size limit of the bucket (default -1: none)",
            HelpName = "SIZE",
            CustomParser = result => ByteSizeParser.ParseArgument(result),
        };
        var storage = new Option<NatsKvBucketStorage?>("--storage")
        {
            Description = "file (default) or memory",
            HelpName = "file|memory",
            CustomParser = result => result.Tokens[0].Value.ToUpperInvariant() switch
            {
                "FILE" => NatsKvBucketStorage.File,
                "MEMORY" => NatsKvBucketStorage.Memory,
                _ => Fail(result, $"'{result.Tokens[0].Value}' is not a storage type for --storage: use file or memory"),
            },
        };
        var description = new Option<string?>("--description") { Description = "A description of the bucket", HelpName = "TEXT" };
        var mirrorOf = new Option<string?>("--mirror-of")
        {
            Description = "Make the bucket an edge site's read-only mirror of this bucket (its own name) in --mirror-domain; writes go through to it",
            HelpName = "BUCKET",
        };
        var mirrorDomain = new Option<string?>("--mirror-domain") { Description = "The JetStream domain of the --mirror-of bucket, such as hub", HelpName = "DOMAIN" };
        var command = new Command("add", "Create a bucket, or bring an existing one to the settings given (settings not given stay as they are)")
        {
            name, history, ttl, replicas, maxBytes, storage, description, mirrorOf, mirrorDomain,
        };
        command.SetAction((parse, ct) => CliSession.RunAsync(parse, globals, console, async (session, token) =>
        {
            var client = await session.ClientAsync(parse.GetValue(name)!, token).ConfigureAwait(false);
            NatsKvBucketInfo? existing = null;
            try
            {
                existing = await client.GetBucketInfoAsync(token).ConfigureAwait(false);
            }
            catch (NatsKvConfigNotFoundException)
            {
                // A new bucket: defaults for what is not given.
            }

            var settings = new NatsKvBucketSettings();
            if (existing is not null)
            {
                settings.History = existing.History;
                settings.MaxAge = existing.MaxAge;
                settings.Replicas = existing.Replicas;
                settings.MaxBytes = existing.MaxBytes;
                settings.Storage = existing.Storage;
                settings.Description = existing.Description;
                settings.MirrorOf = existing.MirrorOf;
                settings.MirrorDomain = existing.MirrorDomain;
            }

            settings.History = parse.GetValue(history) ?? settings.History;
            settings.MaxAge = parse.GetValue(ttl) ?? settings.MaxAge;
            settings.Replicas = parse.GetValue(replicas) ?? settings.Replicas;
            settings.MaxBytes = parse.GetValue(maxBytes) ?? settings.MaxBytes;
            settings.Storage = parse.GetValue(storage) ?? settings.Storage;
            settings.Description = parse.GetValue(description) ?? settings.Description;
            settings.MirrorOf = parse.GetValue(mirrorOf) ?? settings.MirrorOf;
            settings.MirrorDomain = parse.GetValue(mirrorDomain) ?? settings.MirrorDomain;

            var info = await client.EnsureBucketAsync(settings, token).ConfigureAwait(false);
            if (session.Json)
            {
                JsonOutput.Write(session.Console.Output, writer => JsonOutput.Bucket(writer, info));
            }
            else
            {
                session.Err.WriteLine(existing is null ? $"Created bucket {info.Bucket}" : $"Bucket {info.Bucket} exists; settings now:");
                session.Out.Write(HumanOutput.Trimmed(HumanOutput.Bucket(info)));
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static NatsKvBucketStorage? Fail(System.CommandLine.Parsing.ArgumentResult result, string error)
    {
        result.AddError(error);
        return null;
    }

    private static Command Info(GlobalOptions globals, CliConsole console)
    {
        var name = CliArguments.Bucket();
        var command = new Command("info", "Show a bucket's settings and state") { name };
        command.SetAction((parse, ct) => CliSession.RunAsync(parse, globals, console, async (session, token) =>
        {
            var client = await session.ClientAsync(parse.GetValue(name)!, token).ConfigureAwait(false);
            var info = await client.GetBucketInfoAsync(token).ConfigureAwait(false);
            if (session.Json)
            {
                JsonOutput.Write(session.Console.Output, writer => JsonOutput.Bucket(writer, info));
            }
            else
            {
                session.Out.Write(HumanOutput.Trimmed(HumanOutput.Bucket(info)));
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
