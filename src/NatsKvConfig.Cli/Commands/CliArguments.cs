using System.CommandLine;

namespace NatsKvConfig.Cli.Commands;

/// <summary>Arguments and options several commands share, checked before anything connects.</summary>
internal static class CliArguments
{
    public static Argument<string> Bucket()
    {
        var bucket = new Argument<string>("bucket") { Description = "The KV bucket" };
        bucket.Validators.Add(result =>
        {
            // The library's rule and message, so the tool refuses exactly the names the client would.
            var name = result.GetValueOrDefault<string>();
            if (!NatsKvSettings.IsValidBucketName(name))
            {
                result.AddError(NatsKvSettings.InvalidBucketNameMessage(name));
            }
        });
        return bucket;
    }

    public static Argument<string> Key()
    {
        var key = new Argument<string>("key-or-path") { Description = "A NATS key (database.host) or a configuration path (database:host)" };
        key.Validators.Add(result =>
        {
            if (!NatsKvConfigKey.TryParse(result.GetValueOrDefault<string>(), out _, out var error))
            {
                result.AddError(error);
            }
        });
        return key;
    }

    public static Option<string?> Prefix(string description) => new("--prefix")
    {
        Description = description,
        HelpName = "PATH",
    };

    public static Option<ulong?> Revision(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "N",
    };

    public static Option<bool> DryRun() => new("--dry-run")
    {
        Description = "Show the changes without writing them",
    };
}
