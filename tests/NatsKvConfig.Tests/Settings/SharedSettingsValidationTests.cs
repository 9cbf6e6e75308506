using System.CommandLine;
using Microsoft.Extensions.Configuration;
using NatsKvConfig.Cli.Commands;

namespace NatsKvConfig.Tests.Settings;

/// <summary>The source, the client options and the CLI check the settings they share once, the same way.</summary>
public class SharedSettingsValidationTests
{
    public static TheoryData<string?, string?, string?, bool, string> SharedProblems => new()
    {
        { null, null, null, false, "Bucket" },
        { " ", null, null, false, "Bucket" },
        { "my.bucket", null, null, false, "Bucket" },
        { "b c", null, null, false, "Bucket" },
        { "b", "", null, false, "KeyPrefix" },
        { "b", "a..b", null, false, "KeyPrefix" },
        { "b", null, "bad key!", false, "SentinelKey" },
        { "b", null, null, true, "JsonExpansionLimits" },
    };

    [Theory]
    [MemberData(nameof(SharedProblems))]
    public void A_shared_setting_is_refused_by_the_source_and_the_client_with_one_message_and_type(string? bucket, string? prefix, string? sentinel, bool noLimits, string setting)
    {
        var source = new NatsKvConfigurationSource { Bucket = bucket, KeyPrefix = prefix, SentinelKey = sentinel, JsonExpansionLimits = noLimits ? null! : JsonExpansionLimits.Default };
        var options = new NatsKvConfigClientOptions { Bucket = bucket, KeyPrefix = prefix, SentinelKey = sentinel, JsonExpansionLimits = noLimits ? null! : JsonExpansionLimits.Default };

        var fromSource = Assert.Throws<ArgumentException>(() => source.Validate("configure"));
        var fromClient = Assert.Throws<ArgumentException>(() => options.Validate("options"));

        Assert.Equal("configure", fromSource.ParamName); // a parameter's name, as the design guidelines ask
        Assert.Equal("options", fromClient.ParamName);
        Assert.Equal(fromClient.Message.Replace("options", "configure", StringComparison.Ordinal), fromSource.Message);
        Assert.Contains(setting, fromSource.Message, StringComparison.OrdinalIgnoreCase); // the message names the setting
    }

    [Fact]
    public async Task A_bad_bucket_name_reads_the_same_from_AddNatsKv_the_client_and_the_cli()
    {
        const string name = "my.bucket";
        await using var connection = new NATS.Client.Core.NatsConnection(); // never connected: the options are checked first

        var fromAddNatsKv = Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().AddNatsKv(name));
        var fromClient = Assert.Throws<ArgumentException>(() => new NatsKvConfigClient(connection, new NatsKvConfigClientOptions { Bucket = name }));
        var fromCli = Assert.Single(new RootCommand { CliArguments.Bucket() }.Parse([name]).Errors).Message;

        Assert.Equal("'my.bucket' is not a valid NATS KV bucket name: use only A-Z a-z 0-9 - _.", fromCli);
        Assert.Equal(new ArgumentException(fromCli, "bucket").Message, fromAddNatsKv.Message);
        Assert.Equal(new ArgumentException(fromCli, "options").Message, fromClient.Message);
        Assert.Equal("bucket", fromAddNatsKv.ParamName);
        Assert.Equal("options", fromClient.ParamName);
    }

    [Theory]
    [InlineData("app_config-1", true)]
    [InlineData("A", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("a.b", false)]
    [InlineData("a b", false)]
    [InlineData("a*", false)]
    [InlineData("é", false)]
    public void The_cli_accepts_exactly_the_bucket_names_the_library_does(string? name, bool valid)
    {
        var cliErrors = new RootCommand { CliArguments.Bucket() }.Parse([name ?? string.Empty]).Errors;

        Assert.Equal(valid, NatsKvSettings.IsValidBucketName(name));
        Assert.Equal(valid, cliErrors.Count == 0);
    }

    [Fact]
    public void The_source_refuses_its_own_settings_with_the_same_exception_type()
    {
        var settings = new (string Setting, NatsKvConfigurationSource Source)[]
        {
            ("StartupTimeout", new NatsKvConfigurationSource { Bucket = "b", StartupTimeout = TimeSpan.Zero }),
            ("ReloadDelay", new NatsKvConfigurationSource { Bucket = "b", ReloadDelay = TimeSpan.FromSeconds(-1) }),
            ("SnapshotPath", new NatsKvConfigurationSource { Bucket = "b", SnapshotPath = Path.GetTempPath() }),
        };

        foreach (var (setting, source) in settings)
        {
            var exception = Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().Add(source).Build());
            Assert.Equal("source", exception.ParamName);
            Assert.StartsWith(setting + " ", exception.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_shared_settings_start_at_the_same_defaults()
    {
        NatsKvSettings source = new NatsKvConfigurationSource();
        NatsKvSettings client = new NatsKvConfigClientOptions();

        Assert.Equal(client.Url, source.Url);
        Assert.Equal(NatsKvSettings.UrlFrom(Environment.GetEnvironmentVariable), source.Url);
        Assert.Same(JsonExpansionLimits.Default, source.JsonExpansionLimits);
        Assert.Same(JsonExpansionLimits.Default, client.JsonExpansionLimits);
        Assert.True(source.ExpandJsonValues && client.ExpandJsonValues);
        Assert.All(new[] { source, client }, s => Assert.True(s.Bucket is null && s.KeyPrefix is null && s.SentinelKey is null && s.NatsOpts is null && s.LoggerFactory is null));
    }

    [Theory]
    [InlineData("nats://n1:4222,nats://n2:4222", "nats://n1:4222,nats://n2:4222")]
    [InlineData("", NatsKvSettings.DefaultUrl)]
    [InlineData(null, NatsKvSettings.DefaultUrl)]
    public void The_url_falls_back_to_NATS_URL_then_the_default(string? variable, string expected) =>
        Assert.Equal(expected, NatsKvSettings.UrlFrom(name => name == "NATS_URL" ? variable : null));
}
