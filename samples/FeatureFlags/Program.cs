// Feature flags on NATS KV, two ways side by side, both live:
//   - our IFeatureFlags:             key features.new_checkout = {"enabled": true, "rollout": 30, "allowed_users": ["admin"]}
//   - Microsoft.FeatureManagement:   key FeatureManagement.Beta = {"EnabledFor": [{"Name": "Microsoft.Targeting", ...}]}
//
//   dotnet run --project samples/FeatureFlags                       watch bucket app_config, print both flags on every change
//   dotnet run --project samples/FeatureFlags -- --demo             flip the flags itself, check each answer, exit 0
//   NATS_URL=... dotnet run --project samples/FeatureFlags -- put features.new_checkout '{"enabled":true,"rollout":60}'
//                                                                   (a second process) change a flag and exit
//
// With NATS_URL set it uses that server; otherwise it starts a throwaway local nats-server (and prints its URL). The
// demo always starts its own: it resets the flags, which must never happen to a bucket of yours.
using FeatureFlags;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.FeatureManagement;
using NATS.Client.Core;
using NatsKvConfig;
using NatsKvConfig.Testing;

var natsUrl = Environment.GetEnvironmentVariable("NATS_URL") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;

if (args is ["put", var putKey, var putValue])
{
    if (natsUrl is null)
    {
        Console.Error.WriteLine("Set NATS_URL to the server the watching process printed, e.g. NATS_URL=nats://127.0.0.1:4222.");
        return 2;
    }

    await using var writer = new NatsConnection(NatsOpts.Default with { Url = natsUrl, Name = "feature-flags-put" });
    var target = await FlagBucket.OpenAsync(writer, seed: false);
    await target.PutAsync(putKey, putValue);
    Console.WriteLine($"put {putKey} = {putValue}");
    return 0;
}

var demo = args.Contains("--demo");
if (demo)
{
    natsUrl = null;
}

await using var localServer = natsUrl is null
    ? await NatsServer.StartAsync(new NatsServerOptions { ServerName = "feature-flags", ForceLocalProcess = true })
    : null;
var url = natsUrl ?? localServer!.Url;
Console.WriteLine(localServer is null ? $"Using NATS at {url}" : $"Started a local nats-server at {url}");

await using var operatorConnection = new NatsConnection(NatsOpts.Default with { Url = url, Name = "feature-flags-operator" });
var bucket = await FlagBucket.OpenAsync(operatorConnection, seed: true);
if (demo)
{
    await bucket.ResetAsync();
}

// The server, as an app gets it from appsettings.json ("ConnectionStrings": { "nats": "nats://..." }),
// the variable ConnectionStrings__nats, or an Aspire AppHost's WithReference.
var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddInMemoryCollection([new("ConnectionStrings:nats", url)]);

// --- This is all an app needs: ---
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddNatsKvConfiguration("nats", FlagBucket.Name);   // the source, host logging and metrics, a health check
builder.Services.AddNatsKvFeatureFlags();      // IFeatureFlags over the "features" section
builder.Services.AddFeatureManagement();       // IFeatureManager over the "FeatureManagement" section
using var host = builder.Build();
// ----------------------------------

var table = new FlagTable(host.Services.GetRequiredService<IFeatureFlags>(), host.Services.GetRequiredService<IFeatureManager>());
await table.PrintAsync("Loaded:");

if (!demo)
{
    var configuration = host.Services.GetRequiredService<IConfiguration>();
    var changed = new SemaphoreSlim(0);
    using var subscription = ChangeToken.OnChange(configuration.GetReloadToken, () => changed.Release());
    Console.WriteLine();
    Console.WriteLine($"Watching bucket '{FlagBucket.Name}' (Ctrl+C to stop). Change a flag from another terminal, e.g.:");
    Console.WriteLine($"  NATS_URL={url} dotnet run --project samples/FeatureFlags -- put {FlagBucket.NewCheckoutKey} '{{\"enabled\":true,\"rollout\":60}}'");
    Console.WriteLine($"  NATS_URL={url} dotnet run --project samples/FeatureFlags -- put {FlagBucket.BetaKey} false");
    Console.WriteLine($"  nats --server {url} kv put {FlagBucket.Name} {FlagBucket.NewCheckoutKey} '{{\"enabled\":false}}'");

    // The host's console lifetime turns Ctrl+C and SIGTERM into ApplicationStopping, so the local server is disposed.
    await host.StartAsync();
    var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
    try
    {
        while (true)
        {
            await changed.WaitAsync(stopping);

            // Let a burst of changes settle, and every listener of this reload (FeatureManagement's cache too) run.
            await Task.Delay(100, stopping);
            while (changed.CurrentCount > 0)
            {
                await changed.WaitAsync(stopping);
            }

            await table.PrintAsync($"Changed at {DateTime.Now:HH:mm:ss.fff}:");
        }
    }
    catch (OperationCanceledException)
    {
        await host.StopAsync();
        return 0;
    }
}

// --demo: each change, and what both styles must answer once it has arrived.
(string Key, string Value, string Expect, Func<List<(string? User, bool NewCheckout, bool Beta)>, bool> Holds)[] steps =
[
    (FlagBucket.NewCheckoutKey, """{"enabled": true, "rollout": 100}""", "new_checkout on for everyone, even without a user",
        rows => rows.All(r => r.NewCheckout)),
    (FlagBucket.NewCheckoutKey, """{"enabled": false, "allowed_users": ["admin"]}""", "new_checkout off for everyone, admin too",
        rows => rows.All(r => !r.NewCheckout)),
    (FlagBucket.BetaKey, "true", "Beta on for everyone",
        rows => rows.All(r => r.Beta)),
    (FlagBucket.BetaKey, """{"EnabledFor": [{"Name": "Microsoft.Targeting", "Parameters": {"Audience": {"Users": ["alice"]}}}]}""", "Beta only for alice",
        rows => rows.All(r => r.Beta == (r.User == "alice"))),
    (FlagBucket.BetaKey, "false", "Beta off for everyone",
        rows => rows.All(r => !r.Beta)),
];

var start = await table.ReadAsync();
if (start.Single(r => r.User == "admin") is not { NewCheckout: true, Beta: true } || start.Single(r => r.User is null).NewCheckout)
{
    Console.Error.WriteLine("Unexpected start: admin should have both flags, and nobody without a user id should have new_checkout at 30 %.");
    return 1;
}

foreach (var (key, value, expect, holds) in steps)
{
    Console.WriteLine();
    Console.WriteLine($"put {key} = {value}");
    await bucket.PutAsync(key, value);

    // Poll the answers until the change has arrived: a demo's check, not a timing guess.
    var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
    while (!holds(await table.ReadAsync()))
    {
        if (DateTime.UtcNow > deadline)
        {
            await table.PrintAsync("Still:");
            Console.Error.WriteLine($"Expected within 10 s: {expect}.");
            return 1;
        }

        await Task.Delay(20);
    }

    await table.PrintAsync($"Now {expect}:");
}

Console.WriteLine();
Console.WriteLine("Demo finished: every change reached IFeatureFlags and IFeatureManager live, with no restart.");
return 0;
