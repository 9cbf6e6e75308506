using System.Collections.Concurrent;
using NatsKvConfig.IntegrationTests.Infrastructure;

namespace NatsKvConfig.IntegrationTests.Client;

public class WatchTests
{
    [Fact]
    public async Task A_watch_of_a_section_sees_its_changes_as_they_happen_and_nothing_outside_it()
    {
        await using var b = await ClientBucket.CreateAsync();
        await b.Client.PutAsync(NatsKvConfigKey.Parse("app:before"), "not seen: written before the watch");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new ConcurrentQueue<NatsKvConfigEntry>();
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var entry in b.Client.WatchAsync("app", stop.Token))
                {
                    seen.Enqueue(entry);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        });

        // The watch (one consumer for the section's own key, one for its children) starts asynchronously:
        // write markers to both until both show up.
        await Eventually.TrueAsync(
            async () =>
            {
                await b.Client.PutAsync(NatsKvConfigKey.Parse("app"), "marker");
                await b.Client.PutAsync(NatsKvConfigKey.Parse("app:marker"), "marker");
                return seen.Any(e => e.Key == "app") && seen.Any(e => e.Key == "app.marker");
            },
            "the watch is running");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("outside"), "x");
        await b.Client.PutAsync(NatsKvConfigKey.Parse("app:host"), "h1");
        await b.Client.DeleteAsync(NatsKvConfigKey.Parse("app:host"));
        await Eventually.TrueAsync(() => seen.Count(e => e.Key == "app.host") == 2, "the put and the delete are seen");
        await stop.CancelAsync();
        await watching;

        Assert.DoesNotContain(seen, e => e.Key is "outside" or "app.before");
        var host = seen.Where(e => e.Key == "app.host").ToList();
        Assert.Equal([NatsKvConfigOperation.Put, NatsKvConfigOperation.Delete], host.Select(e => e.Operation));
        Assert.Equal("h1", host[0].Value);
        Assert.Equal("app:host", host[0].Path);
    }
}
