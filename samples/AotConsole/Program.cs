// NatsKvConfig under native AOT: the host's one-liner, options bound by the configuration binder's source
// generator, a live change, the health check. `./build.sh aot` publishes it with PublishAot and runs it.
//
//   ConnectionStrings__nats=nats://localhost:4222 ./AotConsole     (exit code 0 when everything worked)
using System.Diagnostics;
using System.Text;
using AotConsole;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

const string Bucket = "aot_config";
var started = Stopwatch.StartNew();
var builder = Host.CreateApplicationBuilder(args);
var url = builder.Configuration.GetConnectionString("nats")
    ?? throw new InvalidOperationException("Set the connection string ConnectionStrings:nats (e.g. ConnectionStrings__nats=nats://localhost:4222).");

// What an operator would have put in the bucket beforehand.
await using var operatorConnection = new NatsConnection(NatsOpts.Default with { Url = url, Name = "aot-operator" });
var store = await new NatsKVContext(new NatsJSContext(operatorConnection)).CreateStoreAsync(new NatsKVConfig(Bucket));
await store.PutAsync("greeting.text", Encoding.UTF8.GetBytes("hello from NATS KV"));
await store.PutAsync("greeting.repeat", Encoding.UTF8.GetBytes("2"));

// --- The app: ---
builder.AddNatsKvConfiguration("nats", Bucket);
builder.Services.Configure<GreetingOptions>(builder.Configuration.GetSection("greeting"));
using var host = builder.Build();
await host.StartAsync();
// ----------------

var monitor = host.Services.GetRequiredService<IOptionsMonitor<GreetingOptions>>();
var loaded = monitor.CurrentValue;
Console.WriteLine($"Loaded in {started.ElapsedMilliseconds} ms: '{loaded.Text}' x{loaded.Repeat}");

var changed = new TaskCompletionSource<GreetingOptions>(TaskCreationOptions.RunContinuationsAsynchronously);
using var subscription = monitor.OnChange(options => changed.TrySetResult(options));
await store.PutAsync("greeting.text", Encoding.UTF8.GetBytes("changed live"));
var live = await changed.Task.WaitAsync(TimeSpan.FromSeconds(10));
Console.WriteLine($"Reloaded: '{live.Text}' x{live.Repeat}");

var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
Console.WriteLine($"Health: {health.Status}");
await host.StopAsync();

var ok = loaded is { Text: "hello from NATS KV", Repeat: 2 } && live.Text == "changed live" && health.Status == HealthStatus.Healthy;
Console.WriteLine(ok ? "AOT sample passed." : "AOT sample FAILED.");
return ok ? 0 : 1;
