// The NatsKvConfig quickstart: configuration from a NATS KV bucket, bound to options that reload live.
//
//   dotnet run --project samples/Quickstart            watch bucket app_config and print every change
//   dotnet run --project samples/Quickstart -- --demo  make a few changes, show each reload, exit
//
// With NATS_URL set it watches that server; otherwise it starts a throwaway local nats-server. The demo always starts
// its own: it writes database.* keys, which must never land in a bucket of yours.
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NatsKvConfig.Testing;
using Quickstart;

var demo = args.Contains("--demo");
await using var localServer = !demo && Environment.GetEnvironmentVariable("NATS_URL") is { Length: > 0 }
    ? null
    : await NatsServer.StartAsync(new NatsServerOptions { ServerName = "quickstart", ForceLocalProcess = true });
var url = localServer?.Url ?? Environment.GetEnvironmentVariable("NATS_URL")!;
Console.WriteLine(localServer is null ? $"Using NATS at {url}" : $"Started a local nats-server at {url}");

await using var operatorConnection = new NatsConnection(NatsOpts.Default with { Url = url, Name = "quickstart-operator" });
var bucket = await DemoBucket.EnsureAsync(operatorConnection);

// The server, as an app gets it from appsettings.json ("ConnectionStrings": { "nats": "nats://..." }),
// the variable ConnectionStrings__nats, or an Aspire AppHost's WithReference.
var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddInMemoryCollection([new("ConnectionStrings:nats", url)]);

// --- This is all an app needs: ---
builder.AddNatsKvConfiguration("nats", DemoBucket.Name);   // the source, host logging and metrics, a health check
builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection("database"));
using var host = builder.Build();
// ----------------------------------

var monitor = host.Services.GetRequiredService<IOptionsMonitor<DatabaseOptions>>();
Console.WriteLine($"Loaded:   {monitor.CurrentValue}");

var reloads = new SemaphoreSlim(0);
using var subscription = monitor.OnChange(options =>
{
    Console.WriteLine($"Reloaded: {options}");
    reloads.Release();
});

if (!demo)
{
    Console.WriteLine($"Watching bucket '{DemoBucket.Name}'. Change a key, e.g.: nats kv put {DemoBucket.Name} database.port 6543  (Ctrl+C to stop)");
    await host.RunAsync();
    return 0;
}

(string Key, string Value)[] changes =
[
    ("database.host", "db.internal"),
    ("database.port", "6543"),
    ("database.replicas", """["replica-1","replica-2"]"""),
    ("database.maxConnections", "50"),
];
foreach (var (key, value) in changes)
{
    Console.WriteLine($"put {key} = {value}");
    await bucket.PutAsync(key, value);
    if (!await reloads.WaitAsync(TimeSpan.FromSeconds(10)))
    {
        Console.Error.WriteLine($"No reload within 10 s of changing '{key}'.");
        return 1;
    }
}

var final = monitor.CurrentValue;
var ok = final is { Host: "db.internal", Port: 6543, MaxConnections: 50, Replicas: ["replica-1", "replica-2"] };
Console.WriteLine(ok ? "Demo finished: every change reached IOptionsMonitor<DatabaseOptions> live." : $"Unexpected final options: {final}");
return ok ? 0 : 1;
