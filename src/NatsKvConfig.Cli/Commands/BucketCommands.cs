using Spectre.Console;
using System.CommandLine;
using NatsKvConfig.Cli.Output;
using NatsKvConfig.Cli.Parsing;

namespace NatsKvConfig.Cli.Commands;

/// <summary><c>bucket add</c>, <c>bucket edit</c> and <c>bucket info</c>.</summary>
internal static class BucketCommands
{
    public static Command Create(GlobalOptions globals, CliConsole console)
    {
        var bucket = new Command("bucket", "Create and inspect configuration buckets");
        bucket.Subcommands.Add(Add(globals, console));
        bucket.Subcommands.Add(Edit(globals, console));
        bucket.Subcommands.Add(Info(globals, console));
        return bucket;
    }

    private static Command Add(GlobalOptions globals, CliConsole console)
    {
        var name = CliArguments.Bucket();
        var history = HistoryOption();
        var ttl = TtlOption();
        var replicas = ReplicasOption();
        var maxBytes = MaxBytesOption();
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
        var description = DescriptionOption();
        var mirrorOf = new Option<string?>("--mirror-of")
        {
            Description = "Make the bucket an edge site's read-only mirror of this bucket (its own name) in --mirror-domain; writes go through to it",
            HelpName = "BUCKET",
        };
        var mirrorDomain = new Option<string?>("--mirror-domain") { Description = "The JetStream domain of the --mirror-of bucket, such as hub", HelpName = "DOMAIN" };
        var command = new Command("add", "Create a bucket; an existing one is left as it is, with a warning for each setting given that it has otherwise (change it with 'bucket edit')")
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

            // Settings not given are the existing bucket's own, so only those given are compared.
            var settings = existing is null ? new NatsKvBucketSettings() : SettingsOf(existing);
            settings.History = parse.GetValue(history) ?? settings.History;
            settings.MaxAge = parse.GetValue(ttl) ?? settings.MaxAge;
            settings.Replicas = parse.GetValue(replicas) ?? settings.Replicas;
            settings.MaxBytes = parse.GetValue(maxBytes) ?? settings.MaxBytes;
            settings.Storage = parse.GetValue(storage) ?? settings.Storage;
            settings.Description = parse.GetValue(description) ?? settings.Description;
            settings.MirrorOf = parse.GetValue(mirrorOf) ?? settings.MirrorOf;
            settings.MirrorDomain = parse.GetValue(mirrorDomain) ?? settings.MirrorDomain;

            var info = await client.EnsureBucketAsync(settings, token).ConfigureAwait(false);
            var warnings = info.Differences.Select(difference => Warning(info.Bucket, difference)).ToList();
            if (session.Json)
            {
                JsonOutput.Write(session.Console.Output, writer => JsonOutput.Bucket(writer, info, warnings));
            }
            else
            {
                foreach (var warning in warnings)
                {
                    session.Err.Write(new Text($"warning: {warning}\n", new Style(Color.Yellow)));
                }

                session.Err.WriteLine(existing is null ? $"Created bucket {info.Bucket}" : $"Bucket {info.Bucket} exists");
                session.Out.Write(HumanOutput.Trimmed(HumanOutput.Bucket(info)));
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Edit(GlobalOptions globals, CliConsole console)
    {
        var name = CliArguments.Bucket();
        var history = HistoryOption();
        var ttl = TtlOption();
        var replicas = ReplicasOption();
        var maxBytes = MaxBytesOption();
        var description = DescriptionOption();
        var command = new Command("edit", "Change an existing bucket's settings: only those given, the others stay as they are (a smaller --history drops older revisions)")
        {
            name, history, ttl, replicas, maxBytes, description,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(history) is null && result.GetResult(ttl) is null && result.GetResult(replicas) is null
                && result.GetResult(maxBytes) is null && result.GetResult(description) is null)
            {
                result.AddError("bucket edit needs at least one setting to change: --history, --ttl, --replicas, --max-bytes or --description");
            }
        });
        command.SetAction((parse, ct) => CliSession.RunAsync(parse, globals, console, async (session, token) =>
        {
            var client = await session.ClientAsync(parse.GetValue(name)!, token).ConfigureAwait(false);
            var settings = SettingsOf(await client.GetBucketInfoAsync(token).ConfigureAwait(false));
            settings.History = parse.GetValue(history) ?? settings.History;
            settings.MaxAge = parse.GetValue(ttl) ?? settings.MaxAge;
            settings.Replicas = parse.GetValue(replicas) ?? settings.Replicas;
            settings.MaxBytes = parse.GetValue(maxBytes) ?? settings.MaxBytes;
            settings.Description = parse.GetValue(description) ?? settings.Description;

            var info = await client.UpdateBucketAsync(settings, token).ConfigureAwait(false);
            if (session.Json)
            {
                JsonOutput.Write(session.Console.Output, writer => JsonOutput.Bucket(writer, info));
            }
            else
            {
                session.Err.WriteLine($"Updated bucket {info.Bucket}");
                session.Out.Write(HumanOutput.Trimmed(HumanOutput.Bucket(info)));
            }

            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Option<int?> HistoryOption() =>
        new("--history") { Description = $"Values kept per key, 1–{NatsKvBucketSettings.MaxHistory} (default 10): how far back rollback reaches", HelpName = "N" };

    private static Option<TimeSpan?> TtlOption() =>
        new("--ttl")
        {
            Description = "How long entries live (0 for ever, the default)",
            HelpName = "DURATION",
            CustomParser = result => DurationParser.ParseArgument(result, allowZero: true),
        };

    private static Option<int?> ReplicasOption() =>
        new("--replicas") { Description = "Copies kept in a JetStream cluster, 1–5 (default 1; 3 in production)", HelpName = "N" };

    private static Option<long?> MaxBytesOption() =>
        new("--max-bytes")
        {
            Description = "Size limit of the bucket (default -1: none)",
            HelpName = "SIZE",
            CustomParser = result => ByteSizeParser.ParseArgument(result),
        };

    private static Option<string?> DescriptionOption() =>
        new("--description") { Description = "A description of the bucket", HelpName = "TEXT" };

    /// <summary>Settings that keep every setting of <paramref name="info"/>.</summary>
    private static NatsKvBucketSettings SettingsOf(NatsKvBucketInfo info) => new()
    {
        History = info.History,
        MaxAge = info.MaxAge,
        Replicas = info.Replicas,
        MaxBytes = info.MaxBytes,
        Storage = info.Storage,
        Description = info.Description,
        MirrorOf = info.MirrorOf,
        MirrorDomain = info.MirrorDomain,
    };

    /// <summary>
    /// A warning (without its <c>warning: </c> prefix) for a setting the existing bucket has otherwise than given:
    /// <c>bucket app_config has history 20, not 10: left as it is (change it with 'nats-kv-config bucket edit')</c>.
    /// </summary>
    internal static string Warning(string bucket, NatsKvBucketSettingDifference difference)
    {
        const string Editable = "left as it is (change it with 'nats-kv-config bucket edit')";
        const string Fixed = "left as it is (a bucket's storage and what it mirrors never change: create another bucket for others)";
        return difference.Setting switch
        {
            nameof(NatsKvBucketSettings.History) => $"bucket {bucket} has history {difference.Actual}, not {difference.Requested}: {Editable}",
            nameof(NatsKvBucketSettings.MaxAge) => $"bucket {bucket} has ttl {difference.Actual}, not {difference.Requested}: {Editable}",
            nameof(NatsKvBucketSettings.Replicas) => $"bucket {bucket} has {difference.Actual} replica(s), not {difference.Requested}: {Editable}",
            nameof(NatsKvBucketSettings.MaxBytes) => $"bucket {bucket} has max bytes {difference.Actual}, not {difference.Requested}: {Editable}",
            nameof(NatsKvBucketSettings.Description) => $"bucket {bucket} has another description than the one given: {Editable}",
            nameof(NatsKvBucketSettings.Storage) => $"bucket {bucket} has {difference.Actual} storage, not {difference.Requested}: {Fixed}",
            nameof(NatsKvBucketSettings.MirrorOf) => $"bucket {bucket} mirrors {Mirror(difference.Actual)}, not {Mirror(difference.Requested)}: {Fixed}",
            nameof(NatsKvBucketSettings.MirrorDomain) => $"bucket {bucket} mirrors a bucket in domain {difference.Actual}, not {difference.Requested}: {Fixed}",
            _ => $"bucket {bucket} has {difference.Setting} {difference.Actual}, not {difference.Requested}: left as it is",
        };

        static string Mirror(string origin) => origin == "none" ? "nothing" : origin;
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
