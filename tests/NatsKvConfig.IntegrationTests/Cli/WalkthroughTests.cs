using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Cli;

/// <summary>The "done when": a new user does the whole round with the tool while an app watches.</summary>
public sealed class WalkthroughTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nkc-walk-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Create_import_put_rollback_and_export_with_the_cli_while_an_app_follows()
    {
        var server = await SharedNatsServer.GetAsync();
        await using var bucket = await TestBucket.CreateAsync(server.Url, create: false);
        var appsettings = Path.Combine(_directory, "appsettings.json");
        File.WriteAllText(appsettings, """{"Checkout": {"Timeout": "00:00:30", "Retries": 3}, "Logging": {"LogLevel": {"Microsoft.AspNetCore": "Warning"}}}""");

        (await CliRun.Async(server.Url, "bucket", "add", bucket.Name, "--history", "10")).Ok();
        (await CliRun.Async(server.Url, "import", bucket.Name, appsettings)).Ok();

        using var root = ProviderHarness.Build(bucket);
        using var services = new ServiceCollection().AddOptions().Configure<CheckoutOptions>(root.GetSection("Checkout")).BuildServiceProvider();
        var monitor = services.GetRequiredService<IOptionsMonitor<CheckoutOptions>>();
        Assert.Equal(TimeSpan.FromSeconds(30), monitor.CurrentValue.Timeout);

        using var put = JsonDocument.Parse((await CliRun.Async(server.Url, "--json", "put", bucket.Name, "Checkout:Timeout", "00:02:00")).Ok());
        await Eventually.TrueAsync(() => monitor.CurrentValue.Timeout == TimeSpan.FromMinutes(2), "the app picked up the put");

        var history = JsonDocument.Parse((await CliRun.Async(server.Url, "--json", "history", bucket.Name, "Checkout:Timeout")).Ok());
        var before = history.RootElement.EnumerateArray().First().GetProperty("revision").GetUInt64();
        (await CliRun.Async(server.Url, "rollback", bucket.Name, "Checkout:Timeout", "--to", before.ToString(CultureInfo.InvariantCulture))).Ok();
        await Eventually.TrueAsync(() => monitor.CurrentValue.Timeout == TimeSpan.FromSeconds(30), "the app picked up the rollback");

        var exported = (await CliRun.Async(server.Url, "export", bucket.Name)).Ok();
        var again = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(exported))).Build();
        Assert.Equal("00:00:30", again["Checkout:Timeout"]);
        Assert.Equal("3", again["Checkout:Retries"]);
        Assert.Equal("Warning", again["Logging:LogLevel:Microsoft.AspNetCore"]);
        Assert.True(put.RootElement.GetProperty("revision").GetUInt64() > before);
    }

    private sealed class CheckoutOptions
    {
        public TimeSpan Timeout { get; set; }

        public int Retries { get; set; }
    }
}
